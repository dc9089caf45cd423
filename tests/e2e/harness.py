"""The real bot, built from settings, driven against the fake Telegram (and fake OmoCaptcha) over HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import BotApplication, build_application
from bot.handlers.context import RUNTIME_KEY, SOLVING_KEY
from bot.runtime import Runtime
from bot.services.accounts import Accounts
from bot.services.solving import SolveService
from bot.settings import Settings, load_settings
from tests.fakes.omocaptcha_server import FakeOmoCaptcha
from tests.fakes.telegram_messages import Predicate
from tests.fakes.telegram_params import JSONDict
from tests.fakes.telegram_server import FakeTelegram


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
        **overrides,
    }
    return load_settings(**values)


@dataclass
class RunningBot:
    app: BotApplication
    settings: Settings
    database: Path

    @property
    def solving(self) -> SolveService:
        service: SolveService = self.app.bot_data[SOLVING_KEY]
        return service

    @property
    def accounts(self) -> Accounts:
        return self.runtime.accounts

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.bot_data[RUNTIME_KEY]
        return runtime

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
    """The Application as `captcha-bot run` runs it: initialise, post_init, poll; then the reverse."""
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None
    assert app.post_shutdown is not None
    assert app.updater is not None
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=["message"])
    path = settings.sqlite_path()
    assert path is not None
    try:
        yield RunningBot(app, settings, path)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
        assert ledger_mismatches(path) == []
