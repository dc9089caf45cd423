"""The outbox on a real SQLite file and the fake Bot API: what a previous run left pending is delivered, a page
at a time, once Telegram answers again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from telegram.ext import ExtBot

from bot.db.engine import SessionMaker, create_engine, create_sessionmaker
from bot.db.migrate import upgrade_database
from bot.db.models import OutboxMessage
from bot.db.outbox import NewMessage, add_messages
from bot.handlers.flood_gate import FloodGate
from bot.handlers.render import AnswerUnits
from bot.handlers.report_buttons import ReportButtons
from bot.handlers.telegram_chat import TelegramChat
from bot.services.flood import FloodLimits, FloodPlan
from bot.services.outbox import Outbox
from bot.settings import Settings
from bot.texts import EN
from tests.fakes.telegram.callbacks import buttons
from tests.fakes.telegram.server import FakeTelegram


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[SessionMaker]:
    engine = create_engine(Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"))
    await upgrade_database(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_pending_messages_are_delivered_in_pages_once_telegram_answers(
    tg: FakeTelegram, sessions: SessionMaker
) -> None:
    anna, bob = tg.user("Anna"), tg.user("Bob")
    async with sessions.begin() as session:  # as a run that died left them
        await add_messages(session, [NewMessage(anna.id, 1, None, None, f"answer {n}") for n in range(5)])
        await add_messages(session, [NewMessage(bob.id, 1, None, None, "an answer", (7,))])  # owed with its buttons
    plan = FloodPlan(FloodLimits())
    bot = ExtBot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, rate_limiter=FloodGate(plan))
    async with bot:
        chat = TelegramChat(bot, plan, units=AnswerUnits(None), buttons=ReportButtons(EN))
        outbox = Outbox(sessions, chat, plan, zone=ZoneInfo("UTC"), memory=2)
        tg.go_down("502")
        await outbox.start()
        for _ in range(10):
            assert outbox.held <= 2
            await asyncio.sleep(0.05)
        tg.come_back()
        await asyncio.wait_for(outbox.wait_idle(), 10)
        await outbox.stop()
    assert [message.text for message in tg.messages_in(anna.id)] == [f"answer {n}" for n in range(5)]
    assert [buttons(message) for message in tg.messages_in(bob.id)] == [
        [[("✅ It worked", "rp:7:r"), ("❌ Wrong", "rp:7:w")]]
    ]
    async with sessions() as session:
        assert set(await session.scalars(select(OutboxMessage.state))) == {"delivered"}
