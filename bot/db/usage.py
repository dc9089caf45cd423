"""Usage figures, derived from solve requests and the ledger on every read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OPEN_STATUSES, LedgerEntry, LedgerReason, RequestStatus, SolveRequest, User


@dataclass(frozen=True, slots=True)
class UserUsage:
    user_id: int
    username: str | None
    first_name: str | None
    balance: int
    solves: int  # requests that reached a solver, whatever the outcome
    succeeded: int
    failed: int
    refused: int  # turned away before solving (not enough tokens)
    tokens_spent: int  # charged and not refunded
    last_seen_at: datetime


def _count(status: RequestStatus | tuple[RequestStatus, ...]) -> ColumnElement[int]:
    statuses = status if isinstance(status, tuple) else (status,)
    return func.coalesce(func.sum(case((SolveRequest.status.in_(statuses), 1), else_=0)), 0)


async def list_user_usage(session: AsyncSession, user_id: int | None = None) -> list[UserUsage]:
    requests = (
        select(
            SolveRequest.user_id,
            _count((*OPEN_STATUSES, RequestStatus.SUCCEEDED, RequestStatus.FAILED)).label("solves"),
            _count(RequestStatus.SUCCEEDED).label("succeeded"),
            _count(RequestStatus.FAILED).label("failed"),
            _count(RequestStatus.REFUSED).label("refused"),
        )
        .group_by(SolveRequest.user_id)
        .subquery()
    )
    spent = (
        select(LedgerEntry.user_id, (-func.sum(LedgerEntry.delta)).label("spent"))
        .where(LedgerEntry.reason.in_((LedgerReason.SOLVE, LedgerReason.REFUND)))
        .group_by(LedgerEntry.user_id)
        .subquery()
    )
    query = (
        select(
            User,
            func.coalesce(requests.c.solves, 0),
            func.coalesce(requests.c.succeeded, 0),
            func.coalesce(requests.c.failed, 0),
            func.coalesce(requests.c.refused, 0),
            func.coalesce(spent.c.spent, 0),
        )
        .outerjoin(requests, requests.c.user_id == User.id)
        .outerjoin(spent, spent.c.user_id == User.id)
        .order_by(User.last_seen_at.desc(), User.id)
    )
    if user_id is not None:
        query = query.where(User.id == user_id)
    rows = await session.execute(query)
    return [
        UserUsage(
            user_id=user.id,
            username=user.username,
            first_name=user.first_name,
            balance=user.balance,
            solves=solves,
            succeeded=succeeded,
            failed=failed,
            refused=refused,
            tokens_spent=tokens_spent,
            last_seen_at=user.last_seen_at,
        )
        for user, solves, succeeded, failed, refused, tokens_spent in rows
    ]
