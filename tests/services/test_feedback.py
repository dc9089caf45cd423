"""Presses on a real SQLite file through the real services: the same press delivered again after a crash, and
two presses at once, change the tokens once."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.runtime import open_runtime
from bot.services.feedback import Press, Said, Verdict
from bot.services.inbox import Inbox
from bot.settings import Settings
from tests.e2e.harness import ledger_mismatches

ANNA, CHAT, REQUEST = 100_001, 100_001, 1


def seed_paid_answer(database: Path) -> None:
    """Anna's photo, answered by OmoCaptcha for 1 of her 5 tokens."""
    now = datetime.now(UTC).isoformat(sep=" ")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO users (id, balance, first_seen_at, last_seen_at) VALUES (?, 4, ?, ?)", (ANNA, now, now)
        )
        connection.execute(
            "INSERT INTO solve_requests (id, chat_id, message_id, user_id, language, status, solver, answer, "
            "tokens_charged, received_at, answered_at) "
            "VALUES (?, ?, 1, ?, 'en', 'succeeded', 'omocaptcha', 100, 1, ?, ?)",
            (REQUEST, CHAT, ANNA, now, now),
        )
        for delta, balance, reason in ((5, 5, "initial"), (-1, 4, "solve")):
            connection.execute(
                "INSERT INTO ledger (user_id, delta, balance_after, reason, solve_request_id, actor, created_at) "
                "VALUES (?, ?, ?, ?, ?, 'bot', ?)",
                (ANNA, delta, balance, reason, REQUEST if reason == "solve" else None, now),
            )


async def test_a_press_delivered_again_and_two_at_once_change_the_tokens_once(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database}")
    async with open_runtime(settings) as runtime:
        seed_paid_answer(database)
        await Inbox(runtime.sessions).record([(n, "{}") for n in (1, 2, 3)])

        wrong = Press(1, CHAT, ANNA, REQUEST, Verdict.WRONG, (REQUEST,))
        first = await runtime.feedback.press(wrong)
        assert (first.said, first.refunded, first.balance) == (Said.RECORDED, 1, 5)
        again = await runtime.feedback.press(wrong)  # handed over again after a crash
        assert (again.said, again.refunded, again.balance, again.marks) == (
            Said.REPEATED,
            0,
            None,
            {REQUEST: Verdict.WRONG},
        )

        rights = [Press(n, CHAT, ANNA, REQUEST, Verdict.RIGHT, (REQUEST,)) for n in (2, 3)]
        both = await asyncio.gather(*(runtime.feedback.press(press) for press in rights))
        assert sorted((result.said, result.taken_back) for result in both) == [
            (Said.RECORDED, 1),
            (Said.UNCHANGED, 0),
        ]
        assert {result.balance for result in both} == {4}
    assert ledger_mismatches(database) == []
