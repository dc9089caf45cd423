"""Admissions of a burst share transactions: each message is still charged once, in arrival order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import SessionMaker, create_engine, create_sessionmaker
from bot.db.migrate import upgrade_database
from bot.db.models import LedgerEntry, LedgerReason, User
from bot.db.users import Profile
from bot.services.outcomes import Admission, Deliver, ImageMessage, Outcome, Verdict
from bot.services.pricing import LOCAL, OMOCAPTCHA, Prices
from bot.services.solving import SolveService
from bot.settings import Settings, SolverMode
from bot.solver.local.solver import LocalSolver


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[SessionMaker]:
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"))
    await upgrade_database(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def nowhere(outcome: Outcome) -> None:
    raise AssertionError("nothing is solved in these tests")


def service(sessions: SessionMaker, *, initial_tokens: int) -> SolveService:
    deliver: Deliver = nowhere
    prices = Prices({LOCAL: 0, OMOCAPTCHA: 1}, SolverMode.OMOCAPTCHA)
    return SolveService(
        sessions, LocalSolver(), deliver, prices=prices, initial_tokens=initial_tokens, max_concurrent_jobs=10
    )


def photo(user_id: int, message_id: int) -> ImageMessage:
    return ImageMessage(chat_id=user_id, message_id=message_id, profile=Profile(user_id), language="en")


async def ledger_of(sessions: SessionMaker, user_id: int) -> list[tuple[str, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(LedgerEntry.reason, LedgerEntry.delta).where(LedgerEntry.user_id == user_id).order_by(LedgerEntry.id)
        )
        return [(reason, delta) for reason, delta in rows]


async def test_the_same_photo_twice_at_once_is_charged_once(sessions: SessionMaker) -> None:
    solving = service(sessions, initial_tokens=5)
    first, again = await asyncio.gather(solving.admit(photo(7, 100)), solving.admit(photo(7, 100)))

    assert (first.verdict, again.verdict) == (Verdict.ACCEPTED, Verdict.IN_PROGRESS)
    assert first.balance == again.balance == 4
    assert await ledger_of(sessions, 7) == [(LedgerReason.INITIAL, 5), (LedgerReason.SOLVE, -1)]


async def test_a_new_member_with_a_burst_of_photos_is_granted_once_and_charged_in_order(
    sessions: SessionMaker,
) -> None:
    solving = service(sessions, initial_tokens=3)
    admissions: list[Admission] = await asyncio.gather(*(solving.admit(photo(8, 200 + n)) for n in range(5)))

    assert [a.verdict for a in admissions] == [Verdict.ACCEPTED] * 3 + [Verdict.NOT_ENOUGH_TOKENS] * 2
    assert [a.balance for a in admissions] == [2, 1, 0, 0, 0]
    assert await ledger_of(sessions, 8) == [(LedgerReason.INITIAL, 3)] + [(LedgerReason.SOLVE, -1)] * 3
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1
