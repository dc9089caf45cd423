"""Telegram down for 20 s (502s, or connections dropped) while an answer is owed, and a chat that refuses the bot:
answers arrive within seconds of Telegram coming back, without a restart; a refusal for good is not retried."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.bursts import ANSWER, INITIAL_TOKENS, paid_bot_env
from tests.e2e.harness import bot_settings, ledger_mismatches, paid_solver, replies_to, running_bot
from tests.e2e.images import plain_png
from tests.e2e.process import bot_process
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.server import FakeTelegram, Outage

OUTAGE = 20.0  # seconds: longer than any retry inside one delivery attempt
RECOVERED_WITHIN = 5.0


@dataclass
class Recovery:
    outage: str
    seconds: float  # from Telegram coming back to the answer in the chat
    text: str
    balance: int
    jobs: int


StartOutage = Callable[[FakeTelegram, Outage], Coroutine[Any, Any, None]]


async def during_delivery(tg: FakeTelegram, how: Outage) -> None:
    """The "solving…" reply is out and the paid job is running: Telegram goes down before the answer."""
    await tg.wait_for(lambda m: (m.text or "").startswith("⏳"), timeout=30)
    tg.go_down(how)


async def from_the_photos_arrival(tg: FakeTelegram, how: Outage) -> None:
    """Telegram hands over the photo and goes down: the download fails first."""
    tg.on_call("getFile", lambda _call: tg.go_down(how))


async def outage_while_a_photo_is_solved(tmp_path: Path, how: Outage, start: StartOutage) -> Recovery:
    async with AsyncExitStack() as stack:
        tg = await stack.enter_async_context(FakeTelegram())
        omo = await stack.enter_async_context(FakeOmoCaptcha())
        omo.solve_delay = 1.0
        database = tmp_path / "bot.sqlite3"
        await stack.enter_async_context(bot_process(tmp_path, paid_bot_env(tg, omo, database), tmp_path / "bot.log"))
        await tg.wait_for_call("getUpdates", timeout=30)
        anna = tg.user("Anna")
        outage = asyncio.create_task(start(tg, how))
        photo = tg.send_photo(anna, tg.private_chat(anna), plain_png())
        await outage
        await asyncio.sleep(OUTAGE)
        settled = replies_to(photo, settled=True)
        assert not any(settled(message) for message in tg.messages_in(anna.id)), "answered during the outage"
        tg.come_back()
        back = time.monotonic()
        answer = await tg.wait_for(replies_to(photo, settled=True), timeout=30)
        seconds = time.monotonic() - back
        balance = _balance(database, anna.id)
        assert ledger_mismatches(database) == []
        return Recovery(how, seconds, answer.text or "", balance, omo.jobs_created)


def _balance(database: Path, user_id: int) -> int:
    with sqlite3.connect(database) as connection:
        (balance,) = connection.execute("SELECT balance FROM users WHERE id = ?", (user_id,)).fetchone()
    return int(balance)


async def test_answers_follow_within_seconds_of_telegram_coming_back(tmp_path: Path) -> None:
    # Four bots at once, so the four outages share one 20-second wait.
    cases: dict[str, tuple[Outage, StartOutage]] = {
        "502 during delivery": ("502", during_delivery),
        "dropped connections during delivery": ("drop", during_delivery),
        "502 from the photo's arrival": ("502", from_the_photos_arrival),
        "dropped connections from the photo's arrival": ("drop", from_the_photos_arrival),
    }
    folders = {name: tmp_path / f"case{n}" for n, name in enumerate(cases)}
    for folder in folders.values():
        folder.mkdir()
    recoveries = await asyncio.gather(
        *(outage_while_a_photo_is_solved(folders[name], how, start) for name, (how, start) in cases.items())
    )
    for name, recovery in zip(cases, recoveries, strict=True):
        assert recovery.text.startswith(ANSWER), (name, recovery.text)
        assert recovery.seconds <= RECOVERED_WITHIN, (name, recovery.seconds)
        assert (recovery.balance, recovery.jobs) == (INITIAL_TOKENS - 1, 1), name  # charged once, paid once


async def test_a_member_who_blocked_the_bot_is_not_solved_for_and_keeps_their_tokens(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=2, **paid_solver(omo))
    async with running_bot(settings) as bot:
        anna = tg.user("Anna")
        tg.block_bot(anna)
        tg.send_photo(anna, tg.private_chat(anna), plain_png())
        await tg.wait_for_call("sendChatAction")  # "typing…", refused
        await bot.wait_idle()
        assert bot.query("SELECT COUNT(*) FROM ledger") == [(0,)]  # nothing to answer to: nothing charged
        assert omo.jobs_created == 0
        assert bot.query("SELECT COUNT(*) FROM solve_requests") == [(0,)]
        assert bot.query("SELECT handled_at IS NOT NULL FROM inbox") == [(1,)]  # let go: not handed over again
        assert tg.calls("sendMessage") == []


async def test_an_answer_to_a_chat_that_blocked_the_bot_meanwhile_is_given_up_not_retried(
    tg: FakeTelegram, omo: FakeOmoCaptcha, tmp_path: Path
) -> None:
    omo.solve_delay = 0.3
    settings = bot_settings(tg, tmp_path / "bot.sqlite3", initial_tokens=2, **paid_solver(omo))
    async with running_bot(settings) as bot:
        anna = tg.user("Anna")
        tg.send_photo(anna, tg.private_chat(anna), plain_png())
        await tg.wait_for(lambda m: (m.text or "").startswith("⏳"))
        tg.block_bot(anna)  # while the paid job runs
        await tg.wait_for_call("editMessageText")  # the answer, refused
        await bot.wait_idle()
        await asyncio.sleep(0.5)  # longer than the outbox's first waits: nothing is tried again
        assert [call.error_code for call in tg.calls("editMessageText")] == [403]
        assert tg.calls("sendMessage")[1:] == []
        assert bot.query("SELECT state, error FROM outbox") == [
            ("undeliverable", "ChatGone: Forbidden: bot was blocked by the user")
        ]
        assert bot.balance(anna.id) == 1  # the paid answer was solved and charged once, as it was
        assert omo.jobs_created == 1
