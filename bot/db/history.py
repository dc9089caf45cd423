"""Raw facts: solve requests and ledger rows, filtered by user and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LedgerEntry, LedgerReason, SolveRequest


@dataclass(frozen=True, slots=True)
class RequestFact:
    status: str
    solver: str | None
    received_at: datetime
    answered_at: datetime | None


async def request_facts(
    session: AsyncSession, *, since: datetime | None = None, user_id: int | None = None
) -> list[RequestFact]:
    query = select(SolveRequest.status, SolveRequest.solver, SolveRequest.received_at, SolveRequest.answered_at)
    if since is not None:
        query = query.where(SolveRequest.received_at >= since)
    if user_id is not None:
        query = query.where(SolveRequest.user_id == user_id)
    rows = await session.execute(query)
    return [RequestFact(*row) for row in rows]


async def ledger_totals(
    session: AsyncSession, *, since: datetime | None = None, user_id: int | None = None
) -> dict[str, int]:
    """Sum of deltas per reason."""
    query = select(LedgerEntry.reason, func.sum(LedgerEntry.delta)).group_by(LedgerEntry.reason)
    if since is not None:
        query = query.where(LedgerEntry.created_at >= since)
    if user_id is not None:
        query = query.where(LedgerEntry.user_id == user_id)
    rows = await session.execute(query)
    return {reason: int(total) for reason, total in rows}


async def latest_ledger(session: AsyncSession, user_id: int, limit: int) -> list[LedgerEntry]:
    rows = await session.scalars(
        select(LedgerEntry).where(LedgerEntry.user_id == user_id).order_by(LedgerEntry.id.desc()).limit(limit)
    )
    return list(rows)


async def was_granted(session: AsyncSession, user_id: int) -> bool:
    """Whether an admin ever gave the user tokens (a grant in the ledger)."""
    found = await session.scalar(
        select(LedgerEntry.id)
        .where(LedgerEntry.user_id == user_id, LedgerEntry.reason == LedgerReason.GRANT, LedgerEntry.delta > 0)
        .limit(1)
    )
    return found is not None


async def answer_delays(session: AsyncSession, solver: str, limit: int) -> list[float]:
    """Seconds from the provider's job to its answer being settled, of the latest `limit` answers of `solver`,
    oldest first."""
    rows = await session.execute(
        select(SolveRequest.submitted_at, SolveRequest.answered_at)
        .where(
            SolveRequest.solver == solver,
            SolveRequest.submitted_at.is_not(None),
            SolveRequest.answered_at.is_not(None),
        )
        .order_by(SolveRequest.id.desc())
        .limit(limit)
    )
    pairs = reversed(rows.all())
    return [(answered - submitted).total_seconds() for submitted, answered in pairs if submitted and answered]
