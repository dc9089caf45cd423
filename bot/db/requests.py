"""Solve requests: one row per Telegram message holding an image, moved forward by conditional UPDATEs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OPEN_STATUSES, RequestStatus, SolveRequest, table_of, utcnow

FINAL_WITH_ANSWER = (RequestStatus.SUCCEEDED, RequestStatus.FAILED)


_requests = table_of(SolveRequest)
# Built once: building a statement costs more CPU than running it, and the bot runs these per photo.
# The UPDATEs set the columns named in their parameters.
_CREATE = (
    sqlite_insert(_requests)
    .on_conflict_do_nothing()
    .returning(_requests.c.id, _requests.c.chat_id, _requests.c.message_id)
)
_UPDATE = update(_requests).where(_requests.c.id == bindparam("request_id"))
_CLOSE = _UPDATE.where(_requests.c.status.in_(OPEN_STATUSES)).returning(
    _requests.c.id, _requests.c.user_id, _requests.c.tokens_charged, _requests.c.solver
)


@dataclass(frozen=True, slots=True)
class NewRequest:
    chat_id: int
    message_id: int  # the message holding the image
    user_id: int
    language: str
    file_id: str | None
    tokens_charged: int


@dataclass(frozen=True, slots=True)
class ClosedRequest:
    id: int
    user_id: int
    tokens_charged: int
    solver: str | None


async def create_requests(session: AsyncSession, new: Sequence[NewRequest]) -> dict[tuple[int, int], int]:
    """Insert a queued request per message, in one statement; their ids by (chat_id, message_id).

    A message that already has a request (a redelivery) is left out, and so is a repeat of one in `new`."""
    now = utcnow()
    rows = await session.execute(
        _CREATE,
        [
            {
                "chat_id": request.chat_id,
                "message_id": request.message_id,
                "user_id": request.user_id,
                "language": request.language,
                "file_id": request.file_id,
                "status": RequestStatus.QUEUED,
                "tokens_charged": request.tokens_charged,
                "received_at": now,
            }
            for request in new
        ],
    )
    return {(chat_id, message_id): request_id for request_id, chat_id, message_id in rows}


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


async def update_requests(session: AsyncSession, changes: Sequence[dict[str, Any]]) -> None:
    """Several requests at once; each dict holds its `request_id` and the same columns to set."""
    await session.execute(_UPDATE, list(changes))


async def close_request(session: AsyncSession, request_id: int, **values: Any) -> ClosedRequest | None:
    """Move an open request to its final state; None if it was already closed (so it is settled once)."""
    row = (await session.execute(_CLOSE, {"request_id": request_id, "answered_at": utcnow(), **values})).one_or_none()
    return None if row is None else ClosedRequest(*row)


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
