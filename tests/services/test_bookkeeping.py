"""The money path on a real SQLite file: each step once per photo, whatever arrives together or twice."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.engine import SessionMaker, create_engine, create_sessionmaker
from bot.db.history import answer_delays
from bot.db.migrate import upgrade_database
from bot.db.models import LedgerEntry, LedgerReason, OutboxMessage, RequestStatus, User
from bot.errors import ErrorCode
from bot.handlers.render import AnswerUnits, Renderer
from bot.services.accounts import Profile
from bot.services.bookkeeping import Bookkeeper
from bot.services.inbox import Inbox
from bot.services.pricing import Prices
from bot.services.requests import PhotoRequest
from bot.settings import Settings, SolverMode
from bot.solver.base import Backend, Solution


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[SessionMaker]:
    engine = create_engine(Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"))
    await upgrade_database(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


def books(sessions: SessionMaker, *, initial_tokens: int, mode: SolverMode = SolverMode.OMOCAPTCHA) -> Bookkeeper:
    prices = Prices({Backend.LOCAL: 0, Backend.OMOCAPTCHA: 1}, mode)
    return Bookkeeper(
        sessions, Renderer(AnswerUnits(None)), prices=prices, initial_tokens=initial_tokens, admins=frozenset()
    )


def photo(user_id: int, message_id: int, *, update_id: int | None = None) -> PhotoRequest:
    return PhotoRequest(
        update_id=update_id or message_id,
        chat_id=user_id,
        message_id=message_id,
        profile=Profile(user_id),
        language="en",
        file_id=f"file-{message_id}",
        file_size=1000,
    )


async def ledger_of(sessions: SessionMaker, user_id: int) -> list[tuple[str, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(LedgerEntry.reason, LedgerEntry.delta).where(LedgerEntry.user_id == user_id).order_by(LedgerEntry.id)
        )
        return [(reason, delta) for reason, delta in rows]


async def outbox_texts(sessions: SessionMaker) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage.text).order_by(OutboxMessage.id)))


async def test_the_same_photo_twice_at_once_is_charged_once(sessions: SessionMaker) -> None:
    keeper = books(sessions, initial_tokens=5)
    first, again = await asyncio.gather(keeper.reserve(photo(7, 100)), keeper.reserve(photo(7, 100, update_id=101)))

    assert first.job is not None
    assert (again.job, again.message) == (None, None)  # still being solved: nothing new to say
    assert await ledger_of(sessions, 7) == [(LedgerReason.INITIAL, 5), (LedgerReason.SOLVE, -1)]


async def test_a_new_members_burst_is_granted_once_charged_in_order_and_refused_past_the_balance(
    sessions: SessionMaker,
) -> None:
    keeper = books(sessions, initial_tokens=3)
    reservations = await asyncio.gather(*(keeper.reserve(photo(8, 200 + n)) for n in range(5)))

    assert [reservation.job is not None for reservation in reservations] == [True] * 3 + [False] * 2
    assert await ledger_of(sessions, 8) == [(LedgerReason.INITIAL, 3)] + [(LedgerReason.SOLVE, -1)] * 3
    assert (
        await outbox_texts(sessions)
        == ["💸 Not enough tokens: a solve costs 1, your balance is 0. Ask an admin for more tokens."] * 2
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_reserving_marks_the_update_handled_in_the_same_transaction(sessions: SessionMaker) -> None:
    inbox = Inbox(sessions)
    await inbox.record([(900, '{"update_id": 900}'), (901, '{"update_id": 901}')])
    await books(sessions, initial_tokens=1).reserve(photo(9, 300, update_id=900))

    assert await inbox.unhandled() == ['{"update_id": 901}']


async def test_a_request_settles_once_and_keeps_the_price_of_the_backend_that_answered(
    sessions: SessionMaker,
) -> None:
    keeper = books(sessions, initial_tokens=2, mode=SolverMode.AUTO)
    reservation = await keeper.reserve(photo(10, 400))
    assert reservation.job is not None
    local = Solution(offset=276, raw_answer="276", backend=Backend.LOCAL)

    answers = await asyncio.gather(keeper.settle(reservation.job, local), keeper.settle(reservation.job, local))

    assert [answer is not None for answer in answers] == [True, False]
    assert await ledger_of(sessions, 10) == [
        (LedgerReason.INITIAL, 2),
        (LedgerReason.SOLVE, -1),
        (LedgerReason.REFUND, 1),  # a local answer is free: the reservation comes back
    ]
    assert (await outbox_texts(sessions))[-1].startswith("➡️ 276 px")


async def test_a_job_being_created_is_known_as_such_until_its_id_is_recorded(sessions: SessionMaker) -> None:
    keeper = books(sessions, initial_tokens=1)
    reservation = await keeper.reserve(photo(11, 500))
    assert reservation.job is not None
    request_id = reservation.job.request_id

    async def status() -> RequestStatus:
        (open_job,) = await keeper.open_jobs()
        return open_job.status

    assert await status() is RequestStatus.QUEUED
    await keeper.mark_submitting(request_id)
    assert await status() is RequestStatus.SUBMITTING
    await keeper.record_job(request_id, "123456")
    assert await status() is RequestStatus.SUBMITTED

    failed = await keeper.settle(reservation.job, ErrorCode.MAYBE_SUBMITTED)
    assert failed is not None
    assert failed.text == (
        "🔄 I restarted while this puzzle was being sent to the solver: it may have reached it, "
        "but its answer is lost. Please send it again.\nYour 1 token(s) were returned; balance: 1."
    )
    assert await keeper.open_jobs() == []


async def test_a_jobs_solve_time_is_counted_from_its_creation_however_late_its_record_commits(
    sessions: SessionMaker, tmp_path: Path
) -> None:
    keeper = books(sessions, initial_tokens=1)
    jobs = []
    for user_id in (12, 13):
        reservation = await keeper.reserve(photo(user_id, 600))
        assert reservation.job is not None
        await keeper.mark_submitting(reservation.job.request_id)
        jobs.append(reservation.job)
    first, second = jobs
    with sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")  # another writer holds the database, as in a burst
        recording = asyncio.create_task(keeper.record_job(first.request_id, "1"))
        await asyncio.sleep(0.05)  # its transaction waits for the database; the next job's record waits for it
        recording_next = asyncio.create_task(keeper.record_job(second.request_id, "2"))
        await asyncio.sleep(0.3)
        writer.execute("COMMIT")
    await asyncio.gather(recording, recording_next)
    answer = Solution(offset=276, raw_answer="276", backend=Backend.OMOCAPTCHA, job_id="2")
    assert await keeper.settle(second, answer) is not None  # at once: its answer was ready 0.3 s after the job

    async with sessions() as session:
        (solve_time,) = await answer_delays(session, Backend.OMOCAPTCHA, limit=10)
    assert solve_time >= 0.3  # what a restarted bot's poll planner learns the provider's time from
