"""Solve requests: one row per Telegram message holding an image, moved forward by conditional UPDATEs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OPEN_STATUSES, RequestStatus, SolveRequest, utcnow

FINAL_WITH_ANSWER = (RequestStatus.SUCCEEDED, RequestStatus.FAILED)


async def create_request(
    session: AsyncSession,
    *,
    chat_id: int,
    message_id: int,
    user_id: int,
    language: str,
    file_id: str | None,
    tokens_charged: int,
) -> int | None:
    """Insert the request for this message; None when the message already has one (a redelivery)."""
    request_id: int | None = await session.scalar(
        sqlite_insert(SolveRequest)
        .values(
            chat_id=chat_id,
            message_id=message_id,
            user_id=user_id,
            language=language,
            file_id=file_id,
            status=RequestStatus.QUEUED,
            tokens_charged=tokens_charged,
            received_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(SolveRequest.id)
    )
    return request_id


async def find_request(session: AsyncSession, *, chat_id: int, message_id: int) -> SolveRequest | None:
    found: SolveRequest | None = await session.scalar(
        select(SolveRequest).where(SolveRequest.chat_id == chat_id, SolveRequest.message_id == message_id)
    )
    return found


async def reopen_refused(session: AsyncSession, request_id: int, *, tokens_charged: int) -> bool:
    """A request refused for lack of tokens may be tried again (after a top-up); True if it was."""
    reopened = await session.scalar(
        update(SolveRequest)
        .where(SolveRequest.id == request_id, SolveRequest.status == RequestStatus.REFUSED)
        .values(status=RequestStatus.QUEUED, error_code=None, tokens_charged=tokens_charged, received_at=utcnow())
        .returning(SolveRequest.id)
    )
    return reopened is not None


async def update_request(session: AsyncSession, request_id: int, **values: Any) -> None:
    await session.execute(update(SolveRequest).where(SolveRequest.id == request_id).values(**values))


async def close_request(session: AsyncSession, request_id: int, **values: Any) -> SolveRequest | None:
    """Move an open request to its final state; None if it was already closed (so it is settled once)."""
    closed: SolveRequest | None = await session.scalar(
        update(SolveRequest)
        .where(SolveRequest.id == request_id, SolveRequest.status.in_(OPEN_STATUSES))
        .values(answered_at=utcnow(), **values)
        .returning(SolveRequest)
    )
    return closed


async def mark_delivered(session: AsyncSession, request_ids: list[int]) -> None:
    await session.execute(update(SolveRequest).where(SolveRequest.id.in_(request_ids)).values(delivered_at=utcnow()))


async def requests_to_recover(session: AsyncSession) -> list[SolveRequest]:
    """Open requests, and closed ones whose answer never reached the chat."""
    rows = await session.scalars(
        select(SolveRequest)
        .where(
            SolveRequest.status.in_(OPEN_STATUSES)
            | (SolveRequest.delivered_at.is_(None) & SolveRequest.status.in_(FINAL_WITH_ANSWER))
        )
        .order_by(SolveRequest.id)
    )
    return list(rows)
