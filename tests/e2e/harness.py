"""The real bot, built from settings, driven against the fake Telegram (and fake OmoCaptcha) over HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bot.app
from bot.runtime import Runtime
from bot.services.accounts import Accounts
from bot.settings import Settings, load_settings
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram.messages import Predicate
from tests.fakes.telegram.params import JSONDict
from tests.fakes.telegram.server import FakeTelegram


def replies_to(message: JSONDict, *, settled: bool = False) -> Predicate:
    """Matches the bot's reply to `message` (message ids are per chat); `settled`: not "solving…" any more."""
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    return lambda m: (
        m.chat_id == chat_id and m.reply_to_message_id == message_id and not (settled and "⏳" in (m.text or ""))
    )


def paid_solver(omo: FakeOmoCaptcha) -> dict[str, Any]:
    """Settings for solving through the fake OmoCaptcha with test-sized pacing."""
    return {
        "solver": "omocaptcha",
        "omocaptcha_api_key": "test-key",
        "omocaptcha_base_url": omo.base_url,
        "omocaptcha_first_poll_delay": 0.05,
        "omocaptcha_poll_interval": 0.05,
        "omocaptcha_deadline": 5.0,
    }


def bot_settings(tg: FakeTelegram, database: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,  # a developer's .env must not leak into tests
        "telegram_bot_token": tg.token,
        "telegram_base_url": tg.base_url,
        "telegram_base_file_url": tg.base_file_url,
        "database_url": f"sqlite+aiosqlite:///{database}",
        "default_language": "en",
        "answer_image": False,
        # The fake Bot API has no flood limits unless a test enforces them; those tests set these back.
        "telegram_max_messages_per_chat_per_second": 1000,
        "telegram_max_group_messages_per_minute": 100_000,
        **overrides,
    }
    return load_settings(**values)


@dataclass
class RunningBot:
    parts: bot.app.RunningBot
    settings: Settings
    database: Path

    @property
    def accounts(self) -> Accounts:
        return self.runtime.accounts

    @property
    def runtime(self) -> Runtime:
        return self.parts.runtime

    async def wait_idle(self) -> None:
        await self.parts.wait_idle()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def balance(self, user_id: int) -> int:
        rows = self.query("SELECT balance FROM users WHERE id = ?", user_id)
        return int(rows[0][0]) if rows else 0


def ledger_mismatches(database: Path) -> list[tuple[Any, ...]]:
    """Users whose ledger does not sum to their balance (must always be empty)."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT u.id, u.balance, COALESCE(SUM(l.delta), 0) AS total FROM users u "
            "LEFT JOIN ledger l ON l.user_id = u.id GROUP BY u.id HAVING u.balance != total"
        ).fetchall()


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot as `captcha-bot run` runs it, in this process; every ledger sums to its balance afterwards."""
    path = settings.sqlite_path()
    assert path is not None
    async with bot.app.running_bot(settings) as parts:
        yield RunningBot(parts, settings, path)
    assert ledger_mismatches(path) == []
