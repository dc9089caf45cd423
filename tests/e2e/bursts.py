"""A burst of paid photos through the real bot process, and what must hold of it however the bot was stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.harness import ledger_mismatches, replies_to
from tests.e2e.images import plain_png
from tests.e2e.process import bot_process, telegram_environment
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.messages import SentMessage
from tests.fakes.telegram.objects import User
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import FakeTelegram

INITIAL_TOKENS = 5
ANSWER = "➡️ 100 px"
MAYBE_AT_THE_SOLVER = "🔄 I restarted while this puzzle was being sent to the solver: it may have reached it"


def paid_env(tg: FakeTelegram, omo: FakeOmoCaptcha, database: Path, **settings: str) -> dict[str, str]:
    """The bot's environment against the fakes: paying the fake OmoCaptcha, answering in text."""
    return telegram_environment(
        tg,
        database,
        ANSWER_IMAGE="false",
        SOLVER="omocaptcha",
        OMOCAPTCHA_API_KEY="test-key",
        OMOCAPTCHA_BASE_URL=omo.base_url,
        **settings,
    )


def paid_bot_env(tg: FakeTelegram, omo: FakeOmoCaptcha, database: Path, **extra: str) -> dict[str, str]:
    """paid_env with test-sized pacing, English and INITIAL_TOKENS each."""
    paced = {
        "OMOCAPTCHA_FIRST_POLL_DELAY": "0.1",
        "OMOCAPTCHA_POLL_INTERVAL": "0.1",
        # The fake Bot API has no flood limits here: Telegram's per chat would only slow the test down.
        "TELEGRAM_MAX_MESSAGES_PER_CHAT_PER_SECOND": "1000",
    }
    return paid_env(tg, omo, database, DEFAULT_LANGUAGE="en", INITIAL_TOKENS=str(INITIAL_TOKENS), **{**paced, **extra})


@dataclass
class Killer:
    """SIGKILL for the bot's process, at most once; callable from a fake's hook, where the bot waits for an answer."""

    pid: int
    at: float | None = None

    def __call__(self, *_: object) -> None:
        if self.at is None:
            self.at = time.monotonic()
            os.kill(self.pid, signal.SIGKILL)


@dataclass
class Burst:
    tg: FakeTelegram
    omo: FakeOmoCaptcha
    database: Path
    users: list[User]
    photos: list[JSONDict] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, tg: FakeTelegram, omo: FakeOmoCaptcha, database: Path, *, members: int = 3) -> Burst:
        return cls(tg, omo, database, [tg.user(f"Member{n}", username=f"member{n}") for n in range(members)])

    def send(self, count: int) -> None:
        """`count` distinct photos at once, from the members in turn, each in their private chat."""
        for n in range(count):
            user = self.users[n % len(self.users)]
            image = plain_png(colour=(n, 100, 200 - n))
            self.images.append(image)
            self.photos.append(self.tg.send_photo(user, self.tg.private_chat(user), image))

    @property
    def last_update_id(self) -> int:
        return max(self.tg.update_id_of(photo) for photo in self.photos)

    async def settled(self, timeout: float = 30.0) -> list[SentMessage]:  # noqa: ASYNC109
        """The bot's last word on each photo, once none is "solving…" any more."""
        return [await self.tg.wait_for(replies_to(photo, settled=True), timeout=timeout) for photo in self.photos]

    async def quiet(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Until the bot owes nothing: no request open, no message pending, no update unhandled."""
        async with asyncio.timeout(timeout):
            while self.owed():  # noqa: ASYNC110 -- the other process's state, read from its database
                await asyncio.sleep(0.05)

    def owed(self) -> list[str]:
        return [
            *(
                f"request {row[0]} {row[1]}"
                for row in self.query(
                    "SELECT id, status FROM solve_requests WHERE status IN ('queued', 'submitting', 'submitted')"
                )
            ),
            *(f"message {row[0]}" for row in self.query("SELECT id FROM outbox WHERE state = 'pending'")),
            *(f"update {row[0]}" for row in self.query("SELECT update_id FROM inbox WHERE handled_at IS NULL")),
        ]

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql).fetchall()

    def check(self, restarted_at: float) -> Counter[str]:
        """What must hold however the bot was stopped; the kinds of endings, counted.

        One thing no bot can do is found out: a "solving…" reply that Telegram created the moment before the
        bot died, before its id was written (one write, ~10 ms in a burst). Nothing in the Bot API finds it again.
        Such a reply may stay, and is counted; every one the bot knew of must be edited into the answer or gone.
        It is the first run's if it reached the fake before the second run started: a call the bot wrote just
        before it was killed may be read by the fake only after the kill."""
        endings: Counter[str] = Counter()
        known = {
            (chat_id, message_id)
            for chat_id, message_id in self.query(
                "SELECT chat_id, status_message_id FROM solve_requests WHERE status_message_id IS NOT NULL"
            )
        }
        for photo in self.photos:
            chat_id = photo["chat"]["id"]
            said = [m for m in self.tg.messages_in(chat_id) if m.reply_to_message_id == photo["message_id"]]
            final = [m.text or "" for m in said if not m.deleted and "⏳" not in (m.text or "")]
            assert len(final) == 1, f"photo {photo['message_id']} in chat {chat_id}: {[m.text for m in said]}"
            (text,) = final
            assert text.startswith((ANSWER, MAYBE_AT_THE_SOLVER)), text
            endings["answered" if text.startswith(ANSWER) else "refunded"] += 1
            for left in (m for m in said if not m.deleted and "⏳" in (m.text or "")):
                assert (chat_id, left.message_id) not in known, f"a known 'solving…' reply is left in chat {chat_id}"
                assert left.sent_at < restarted_at, "a 'solving…' reply of the second run is left"
                endings["unknown 'solving…' reply left"] += 1
        sent_twice = [n for n, count in Counter(job.image for job in self.omo.jobs.values()).items() if count > 1]
        assert sent_twice == [], "a photo was sent to createJob twice"
        assert ledger_mismatches(self.database) == []
        for user in self.users:
            answered = sum(
                1
                for photo in self.photos
                if photo["chat"]["id"] == user.id
                and any(
                    (m.text or "").startswith(ANSWER)
                    for m in self.tg.messages_in(user.id)
                    if m.reply_to_message_id == photo["message_id"]
                )
            )
            (balance,) = self.query(f"SELECT balance FROM users WHERE id = {user.id}")[0]
            assert balance == INITIAL_TOKENS - answered, f"member {user.id}: {balance} tokens, {answered} answers"
        assert self.owed() == []
        return endings


async def run_and_restart(
    burst: Burst, env: dict[str, str], workdir: Path, arm: Callable[[Burst, Killer], None], *, photos: int = 8
) -> Counter[str]:
    """The bot takes a burst and is killed where `arm` says; a second run must settle everything."""
    async with bot_process(workdir, env, workdir / "first.log") as first:
        await burst.tg.wait_for_call("getUpdates", timeout=30)  # polling: the burst arrives as one
        killer = Killer(first.pid)
        burst.send(photos)
        arm(burst, killer)
        await asyncio.wait_for(first.wait(), 30)
        assert killer.at is not None, "the bot stopped on its own"
    restarted_at = time.monotonic()
    async with bot_process(workdir, env, workdir / "second.log") as second:
        await burst.settled()
        await burst.quiet()
        second.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    return burst.check(restarted_at)
