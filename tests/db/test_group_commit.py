"""Shared transactions on a real SQLite file: a burst shares them, a failing unit fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db.balances import change_balance
from bot.db.engine import SessionMaker, create_engine, create_sessionmaker
from bot.db.group_commit import GroupCommit
from bot.db.migrate import upgrade_database
from bot.db.models import LedgerEntry, LedgerReason, User
from bot.db.users import ensure_user_id
from bot.settings import Settings


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    engine = create_engine(settings)
    await upgrade_database(engine)
    yield engine
    await engine.dispose()


def count_commits(engine: AsyncEngine) -> list[int]:
    commits: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _connection: commits.append(1))
    return commits


async def grant(session: AsyncSession, grants: Sequence[tuple[int, int]]) -> list[int]:
    """Work for GroupCommit: (user id, amount) items, one balance each."""
    for user_id, _ in grants:
        await ensure_user_id(session, user_id)
    return [
        await change_balance(session, user_id=user_id, delta=amount, reason=LedgerReason.GRANT, actor="test")
        for user_id, amount in grants
    ]


async def balances(sessions: SessionMaker) -> dict[int, int]:
    async with sessions() as session:
        return {user.id: user.balance for user in await session.scalars(select(User))}


async def test_a_burst_shares_a_few_transactions_and_every_item_gets_its_own_result(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    commits = count_commits(engine)
    calls: list[int] = []

    async def counted_grant(session: AsyncSession, grants: Sequence[tuple[int, int]]) -> list[int]:
        calls.append(len(grants))
        return await grant(session, grants)

    commit = GroupCommit(sessions, max_batch=50)
    results = await asyncio.gather(*(commit.run(counted_grant, (n % 10, n)) for n in range(200)))

    assert len(commits) <= 6  # one for the first item, then batches of at most 50
    assert len(calls) == len(commits)  # the items of a transaction went to the work together
    assert results[-1] == sum(range(9, 200, 10))  # user 9's balance after its last grant
    assert await balances(sessions) == {u: sum(range(u, 200, 10)) for u in range(10)}


async def test_a_failing_item_fails_alone_and_the_rest_of_its_batch_commits(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    commit = GroupCommit(sessions)
    # Queued together: user 3 would go below zero, which the database refuses.
    first, second, refused, fourth = await asyncio.gather(
        commit.run(grant, (1, 5)),
        commit.run(grant, (2, 5)),
        commit.run(grant, (3, -1)),
        commit.run(grant, (4, 5)),
        return_exceptions=True,
    )

    assert (first, second, fourth) == (5, 5, 5)
    assert isinstance(refused, Exception)
    assert await balances(sessions) == {1: 5, 2: 5, 4: 5}  # user 3's whole item was undone
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerEntry)) == 3
