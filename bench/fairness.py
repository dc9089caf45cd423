"""Fairness of the solve slots: one member's many photos, then another member's one.

    .venv/bin/python bench/fairness.py [--many 300] [--delay 3] [--jobs-per-user 5]

The real bot process against the fake Bot API and fake OmoCaptcha (solving in D seconds), as in
bench/throughput.py. A warm-up batch from other members first (the bot learns the provider's solve time);
then member A sends `--many` photos at once and member B one photo right after. Printed: when B's answer is
in the chat after B's photo, in seconds and in D, when B's job reached the provider, and how many of A's
photos were answered by then. The bot is stopped once B is answered: A's queue would take
(many / jobs-per-user) × D to drain. `--jobs-per-user 200` shows the bot without a share per member (every
slot is A's, and B waits for one to free).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.throughput import bench_env, distinct_image, polling_bot, run_batch
from tests.e2e.harness import replies_to
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.server import FakeTelegram

WARM_UP_USERS, WARM_UP_PHOTOS = 50, 4


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--many", type=int, default=300, help="member A's photos")
    parser.add_argument("--delay", type=float, default=3.0, help="the provider's solve time D, seconds")
    parser.add_argument("--jobs-per-user", type=int, default=5, help="MAX_JOBS_PER_USER")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        async with FakeTelegram() as tg, FakeOmoCaptcha() as omo:
            omo.solve_delay = args.delay
            # A may send all their photos at once: what is measured is the share of the slots, not the cap.
            env = bench_env(
                tg,
                omo,
                workdir,
                INITIAL_TOKENS=str(args.many),
                MAX_PHOTOS_PER_MINUTE=str(args.many),
                MAX_JOBS_PER_USER=str(args.jobs_per_user),
            )
            warm_up_users = [tg.user(f"User{n}") for n in range(WARM_UP_USERS)]
            anna, binh = tg.user("Anna"), tg.user("Binh")
            async with polling_bot(tg, workdir, env, "bot.log"):
                warm = await run_batch(tg, omo, warm_up_users, WARM_UP_PHOTOS, 0)
                print(f"warm-up: {WARM_UP_USERS}×{WARM_UP_PHOTOS} photos, wall {warm['wall'] / args.delay:.2f} D")
                first = WARM_UP_USERS * WARM_UP_PHOTOS
                many = [tg.send_photo(anna, tg.private_chat(anna), distinct_image(first + n)) for n in range(args.many)]
                sent = time.monotonic()
                image = distinct_image(first + args.many)
                one = tg.send_photo(binh, tg.private_chat(binh), image)
                await tg.wait_for(replies_to(one, settled=True), timeout=120)
                waited = time.monotonic() - sent
                (job,) = (job for job in omo.jobs.values() if job.image == image)
                answered = sum(
                    1
                    for photo in many
                    if any(
                        "⏳" not in (m.text or "")
                        for m in tg.messages_in(anna.id)
                        if m.reply_to_message_id == photo["message_id"]
                    )
                )
            print(
                f"A sent {args.many} photos, then B 1 (MAX_JOBS_PER_USER={args.jobs_per_user}): "
                f"B's answer after {waited:.2f} s = {waited / args.delay:.2f} D "
                f"(its job reached the provider after {job.created_at - sent:.2f} s); "
                f"A's photos answered by then: {answered}"
            )


if __name__ == "__main__":
    asyncio.run(main())
