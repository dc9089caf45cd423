"""The bot within Telegram's real limits: the fake Bot API enforces the flood limits (429 with retry_after) and,
where said, adds a round trip's latency to every call; the bot runs as `captcha-bot run` in another process.

    .venv/bin/python bench/telegram_limits.py [--sustained 60]

Printed, one line per scenario:
- group burst: 12 members post a puzzle each in one group at once (local solver): when the last answer is in
  the chat, messages sent, 429s;
- group stream: 30 photos from 10 members in one group within 20 s (local): answer after its photo, p50/p95;
- private chat at 100 ms per round trip (local): answer visible after the photo, p50/p95;
- messages per answer: Bot API calls that Telegram counts as messages, per local and per paid answer;
- sustained: 30 photos/s for `--sustained` seconds from 300 members, 3 s paid solver, limits lifted: photos in
  flight every 10 s (flat = no backlog growth), and the added latency (answer in the chat − result ready) p50/p95.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.throughput import distinct_image, percentile
from tests.e2e.images import sample_screenshot
from tests.e2e.process import bot_process, telegram_environment
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import MESSAGES, FakeTelegram

ANSWER = re.compile(r"➡️ \d+ px")
NAMED = re.compile(r"👤 (.+?) · \d\d:\d\d:\d\d\n➡️")


@asynccontextmanager
async def bot_against(tg: FakeTelegram, omo: FakeOmoCaptcha | None, **settings: str) -> AsyncIterator[None]:
    with tempfile.TemporaryDirectory() as workdir:
        solver = {"SOLVER": "local"}
        if omo is not None:
            solver = {"SOLVER": "omocaptcha", "OMOCAPTCHA_API_KEY": "test-key", "OMOCAPTCHA_BASE_URL": omo.base_url}
        env = telegram_environment(
            tg,
            Path(workdir) / "bench.sqlite3",
            LOG_LEVEL="WARNING",
            INITIAL_TOKENS="1000",
            **solver,
            **settings,
        )
        async with bot_process(Path(workdir), env, Path(workdir) / "bot.log"):
            await tg.wait_for_call("getUpdates", timeout=60)  # started and polling: the figures start here
            yield


def answer_times(tg: FakeTelegram, chat_id: int, photos: list[tuple[str, JSONDict]]) -> list[float]:
    """When each photo's answer appeared: a reply to it, or its part of a message carrying several (a member's
    k-th named part answers their k-th photo)."""
    by_message = {photo["message_id"]: index for index, (_, photo) in enumerate(photos)}
    pending: dict[str, list[int]] = {}
    for index, (name, _) in enumerate(photos):
        pending.setdefault(name, []).append(index)
    seen: dict[int, float] = {}
    for message in sorted(tg.messages_in(chat_id), key=lambda m: m.sent_at):
        text = message.text or ""
        names = NAMED.findall(text)
        if names:
            for name in names:
                seen[pending[name].pop(0)] = message.sent_at
        elif ANSWER.match(text) and message.reply_to_message_id in by_message:
            index = by_message[message.reply_to_message_id]
            pending[photos[index][0]].remove(index)
            seen[index] = message.sent_at
    return [seen[index] for index in range(len(photos))]


async def wait_answered(tg: FakeTelegram, chat_id: int, count: int) -> None:
    def answered(_: SentMessage) -> bool:
        return sum(len(ANSWER.findall(m.text or "")) for m in tg.messages_in(chat_id)) >= count

    await tg.wait_for(answered, timeout=120)


def message_calls(tg: FakeTelegram, chat_id: int) -> int:
    return sum(1 for call in tg.calls() if call.method.lower() in MESSAGES and call.params.get("chat_id") == chat_id)


async def group_burst() -> str:
    async with FakeTelegram(privacy_mode=True) as tg:
        tg.enforce_flood_limits()
        async with bot_against(tg, None):
            team = tg.group("Team")
            members = [tg.user(f"Member{n}") for n in range(12)]
            started = time.monotonic()
            for user in members:
                tg.send_photo(user, team, sample_screenshot(), caption="/solve")
            await wait_answered(tg, team.id, len(members))
            last = time.monotonic() - started
            return (
                f"group burst, 12 members at once: last answer after {last:.2f} s, "
                f"{message_calls(tg, team.id)} messages, {tg.flood_errors} flood errors"
            )


async def group_stream(rng: random.Random) -> str:
    async with FakeTelegram(privacy_mode=True) as tg:
        tg.enforce_flood_limits()
        async with bot_against(tg, None):
            team = tg.group("Team")
            members = [tg.user(f"Member{n}") for n in range(10)]
            moments = sorted(rng.uniform(0, 20) for _ in range(30))
            photos: list[tuple[str, JSONDict]] = []
            sent_at: list[float] = []
            started = time.monotonic()
            for number, moment in enumerate(moments):
                await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
                user = members[number % len(members)]
                photos.append((user.first_name, tg.send_photo(user, team, sample_screenshot(), caption="/solve")))
                sent_at.append(time.monotonic())
            await wait_answered(tg, team.id, len(photos))
            waits = [shown - sent for shown, sent in zip(answer_times(tg, team.id, photos), sent_at, strict=True)]
            return (
                f"group stream, 30 photos from 10 members in 20 s: answer after its photo p50 "
                f"{percentile(waits, 0.5):.2f} s, p95 {percentile(waits, 0.95):.2f} s, "
                f"{message_calls(tg, team.id)} messages, {tg.flood_errors} flood errors"
            )


async def private_latency() -> str:
    async with FakeTelegram(latency=0.1, download_latency=0.1) as tg:
        tg.enforce_flood_limits()
        async with bot_against(tg, None):
            waits = []
            for number in range(20):
                user = tg.user(f"Member{number}")  # one photo per chat: the chat's allowance is not the point
                chat = tg.private_chat(user)
                started = time.monotonic()
                tg.send_photo(user, chat, sample_screenshot())
                await wait_answered(tg, chat.id, 1)
                waits.append(time.monotonic() - started)
            return (
                f"private chat, 100 ms per round trip: answer visible after the photo p50 "
                f"{statistics.median(waits):.2f} s, p95 {percentile(waits, 0.95):.2f} s"
            )


async def messages_per_answer() -> str:
    counts: list[float] = []
    for paid in (False, True):
        async with FakeTelegram() as tg, FakeOmoCaptcha() as omo:
            omo.solve_delay = 3.0
            async with bot_against(tg, omo if paid else None):
                users = [tg.user(f"Member{n}") for n in range(10)]
                for user in users:
                    tg.send_photo(
                        user, tg.private_chat(user), distinct_image(len(counts)) if paid else sample_screenshot()
                    )
                for user in users:
                    await wait_answered(tg, tg.private_chat(user).id, 1)
                counts.append(sum(message_calls(tg, tg.private_chat(user).id) for user in users) / len(users))
    return f"messages per answer: local {counts[0]:.2f}, paid (3 s) {counts[1]:.2f}"


async def sustained(seconds: float) -> str:
    rate = 30
    total = int(seconds * rate)
    async with FakeTelegram() as tg, FakeOmoCaptcha() as omo:
        omo.solve_delay = 3.0
        lifted = {"TELEGRAM_MAX_MESSAGES_PER_SECOND": "100000", "ANSWER_IMAGE": "never"}
        async with bot_against(tg, omo, **lifted):
            users = [tg.user(f"Member{n}") for n in range(300)]
            answered: dict[tuple[int, int], float] = {}  # by (chat, photo): when the answer was in the chat

            def count(reply: SentMessage) -> bool:  # called for every message as it is sent or edited
                key = (reply.chat_id, reply.reply_to_message_id or 0)
                if ANSWER.match(reply.text or "") and key not in answered:
                    answered[key] = time.monotonic()
                return len(answered) >= total

            everything = asyncio.create_task(tg.wait_for(count, timeout=seconds + 120))
            sent: list[tuple[JSONDict, bytes]] = []
            in_flight: list[int] = []
            started = time.monotonic()
            for number in range(total):
                await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
                user = users[number % len(users)]
                image = distinct_image(number)
                sent.append((tg.send_photo(user, tg.private_chat(user), image), image))
                if number and number % (10 * rate) == 0:
                    in_flight.append(number - len(answered))
            await everything
            jobs = {job.image: job for job in omo.jobs.values()}
            added = [
                answered[message["chat"]["id"], message["message_id"]] - jobs[image].ready_at for message, image in sent
            ]
            return (
                f"sustained {rate} photos/s for {seconds:.0f} s (3 s paid solver, limits lifted): photos in flight "
                f"every 10 s {in_flight}; added latency p50 {percentile(added, 0.5):.2f} s, "
                f"p95 {percentile(added, 0.95):.2f} s"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sustained", type=float, default=60.0, help="seconds of 30 photos/s (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["burst", "stream", "private", "messages", "sustained"])
    args = parser.parse_args()
    scenarios: dict[str, Callable[[], Awaitable[str]]] = {
        "burst": group_burst,
        "stream": lambda: group_stream(random.Random(args.seed)),
        "private": private_latency,
        "messages": messages_per_answer,
        "sustained": lambda: sustained(args.sustained),
    }
    if not args.sustained:
        del scenarios["sustained"]
    for name, scenario in scenarios.items():
        if args.only in (None, name):
            print(await scenario(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
