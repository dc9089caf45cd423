"""Throughput of the solve loop: N users × M photos through the real bot process.

    .venv/bin/python bench/throughput.py [--users 50] [--photos 4] [--delay 3] [--batches 2] [--restart]

The fake Bot API and fake OmoCaptcha run in this process; the bot runs as `captcha-bot run` in another,
as in production, and is polling before the first photo is sent. Every batch sends all photos at once and
waits for every answer; the first batch is a warm-up (the bot learns the provider's solve time), the figures
are for the batches after it. With --restart the bot is stopped after the warm-up and started again on the
same database, so the batches after it are those of a freshly started process with history.

Printed: wall time / D (D = the provider's solve delay), when the last job reached the provider, result polls
per job, p50/p95 added latency (answer delivered − result ready at the provider), and the bot's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.bursts import paid_env
from tests.e2e.harness import replies_to
from tests.e2e.process import bot_process
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.objects import User
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import FakeTelegram


def distinct_image(index: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (360, 240), (index % 256, index // 256 % 256, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def bench_env(tg: FakeTelegram, omo: FakeOmoCaptcha, workdir: str, **extra: str) -> dict[str, str]:
    """The bot's settings for a benchmark: the provider's own pacing, warnings only."""
    # The fake Bot API has no flood control here; Telegram's limits would dominate the figure (they are
    # bench/telegram_limits.py's): 30 messages/s overall, and a chat's own second for 4 photos' replies.
    unlimited = {"TELEGRAM_MAX_MESSAGES_PER_SECOND": "100000", "TELEGRAM_MAX_MESSAGES_PER_CHAT_PER_SECOND": "1000"}
    return paid_env(tg, omo, Path(workdir) / "bench.sqlite3", LOG_LEVEL="WARNING", **unlimited, **extra)


@asynccontextmanager
async def polling_bot(tg: FakeTelegram, workdir: str, env: dict[str, str], log: str) -> AsyncIterator[int]:
    """`captcha-bot run`, once it polls for updates (its start-up is not part of any figure); its pid."""
    asked = time.monotonic()
    async with bot_process(Path(workdir), env, Path(workdir) / log) as bot:
        await tg.wait_for_call("getUpdates", lambda call: call.monotonic > asked, timeout=60)
        yield bot.pid
        bot.send_signal(signal.SIGINT)
        await asyncio.wait_for(bot.wait(), 60)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run_batch(
    tg: FakeTelegram, omo: FakeOmoCaptcha, users: list[User], photos: int, first_index: int
) -> dict[str, float]:
    images = [distinct_image(first_index + n) for n in range(photos * len(users))]
    polls_before = omo.poll_requests
    started = time.monotonic()
    sent: list[tuple[JSONDict, bytes]] = []
    for number, image in enumerate(images):
        user = users[number % len(users)]
        sent.append((tg.send_photo(user, tg.private_chat(user), image), image))
    # One waiter for the whole batch: the fakes share this process, and 200 waiters each checking every
    # message the bot sends would slow them down and the figures with them.
    unanswered = {(message["chat"]["id"], message["message_id"]) for message, _ in sent}
    answered_at: dict[tuple[int, int | None], float] = {}

    def last_answer(reply: SentMessage) -> bool:
        key = (reply.chat_id, reply.reply_to_message_id)
        if "⏳" not in (reply.text or "") and key in unanswered:
            unanswered.discard(key)
            answered_at[key] = time.monotonic()  # sent, or the "solving…" reply edited into it
        return not unanswered

    await tg.wait_for(last_answer, timeout=120)
    wall = time.monotonic() - started
    answers = [await tg.wait_for(replies_to(message, settled=True)) for message, _ in sent]
    jobs_by_image = {job.image: job for job in omo.jobs.values()}
    batch_jobs = [jobs_by_image[image] for _, image in sent]
    added = []
    for (message, image), answer in zip(sent, answers, strict=True):
        assert (answer.text or "").startswith("➡️"), answer.text
        added.append(answered_at[message["chat"]["id"], message["message_id"]] - jobs_by_image[image].ready_at)
    return {
        "wall": wall,
        "last_job": max(job.created_at for job in batch_jobs) - started,
        "polls_per_job": (omo.poll_requests - polls_before) / len(sent),
        "p50": percentile(added, 0.5),
        "p95": percentile(added, 0.95),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--photos", type=int, default=4, help="photos per user per batch")
    parser.add_argument("--delay", type=float, default=3.0, help="the provider's solve time D, seconds")
    parser.add_argument("--batches", type=int, default=2, help="batches, the first one a warm-up")
    parser.add_argument("--restart", action="store_true", help="restart the bot after the warm-up batch")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        async with FakeTelegram() as tg, FakeOmoCaptcha() as omo:
            omo.solve_delay = args.delay
            per_user = args.photos * args.batches
            # Every photo is one the bot must solve: no member runs out of tokens or past the cap per minute.
            env = bench_env(tg, omo, workdir, INITIAL_TOKENS=str(per_user), MAX_PHOTOS_PER_MINUTE=str(per_user))
            users = [tg.user(f"User{n}") for n in range(args.users)]
            runs = [range(1), range(1, args.batches)] if args.restart else [range(args.batches)]
            results, rss = [], 0.0
            for run, batches in enumerate(runs):
                async with polling_bot(tg, workdir, env, f"bot{run}.log") as pid:
                    for batch in batches:
                        result = await run_batch(tg, omo, users, args.photos, batch * args.users * args.photos)
                        label = "warm-up" if batch == 0 else "restarted" if run and batch == 1 else f"batch {batch}"
                        print(
                            f"{label:>9}: {args.users}×{args.photos} photos, wall {result['wall']:.2f} s = "
                            f"{result['wall'] / args.delay:.2f} D, last job created after {result['last_job']:.2f} s, "
                            f"{result['polls_per_job']:.2f} polls/job, "
                            f"added latency p50 {result['p50']:.3f} s, p95 {result['p95']:.3f} s",
                            flush=True,
                        )
                        results.append(result)
                    rss = max(rss, peak_rss_mb(pid))
            measured = results[1:] or results
            print(
                f"measured: wall/D {statistics.mean(r['wall'] for r in measured) / args.delay:.2f}, "
                f"polls/job {statistics.mean(r['polls_per_job'] for r in measured):.2f}, "
                f"p50 added {statistics.mean(r['p50'] for r in measured):.3f} s, "
                f"p95 added {statistics.mean(r['p95'] for r in measured):.3f} s, bot peak RSS {rss:.0f} MB"
            )


if __name__ == "__main__":
    asyncio.run(main())
