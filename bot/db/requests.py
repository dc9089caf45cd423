"""Solve requests: one row per Telegram message holding an image, moved forward by conditional UPDATEs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OPEN_STATUSES, RequestStatus, SolveRequest, User, table_of, utcnow

_requests = table_of(SolveRequest)
# Built once: building a statement costs more CPU than running it, and the bot runs these per photo.
# The UPDATE sets the columns named in its parameters.
_CREATE = (
    sqlite_insert(_requests)
    .on_conflict_do_nothing()
    .returning(_requests.c.id, _requests.c.chat_id, _requests.c.message_id)
)
_UPDATE = update(_requests).where(_requests.c.id == bindparam("request_id"))
_MOVE = (
    update(_requests)
    .where(_requests.c.id.in_(bindparam("ids", expanding=True)), _requests.c.status == bindparam("from_status"))
    .values(status=bindparam("to_status"))
)
_OPEN_AMONG = select(_requests.c.id, _requests.c.user_id, _requests.c.tokens_charged).where(
    _requests.c.id.in_(bindparam("ids", expanding=True)), _requests.c.status.in_(OPEN_STATUSES)
)


@dataclass(frozen=True, slots=True)
class NewRequest:
    chat_id: int
    message_id: int  # the message holding the image
    user_id: int
    language: str
    file_id: str
    downscaled_photo: bool
    tokens_charged: int


@dataclass(frozen=True, slots=True)
class Charged:
    """An open request: whose it is and what it holds of theirs."""

    user_id: int
    tokens_charged: int


async def create_requests(session: AsyncSession, new: Sequence[NewRequest]) -> dict[tuple[int, int], int]:
    """A queued request per message, in one statement; their ids by (chat_id, message_id).

    A message that already has a request is left out, and so is a repeat of one in `new`."""
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
                "downscaled_photo": request.downscaled_photo,
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
    """Several requests at once; each dict holds its `request_id` and the columns to set (one statement for
    each set of columns)."""
    by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
    for change in changes:
        by_columns.setdefault(frozenset(change), []).append(change)
    for same in by_columns.values():
        await session.execute(_UPDATE, same)


async def move_requests(
    session: AsyncSession, request_ids: Collection[int], from_status: RequestStatus, to_status: RequestStatus
) -> None:
    """The requests still in `from_status` move to `to_status`; the others stay as they are."""
    await session.execute(_MOVE, {"ids": list(request_ids), "from_status": from_status, "to_status": to_status})


async def open_among(session: AsyncSession, request_ids: Collection[int]) -> dict[int, Charged]:
    """Those of the requests that are still open, by id. In the caller's write transaction they stay open until
    it ends, so each is closed once."""
    rows = await session.execute(_OPEN_AMONG, {"ids": list(request_ids)})
    return {request_id: Charged(user_id, tokens) for request_id, user_id, tokens in rows}


async def open_requests(session: AsyncSession) -> list[SolveRequest]:
    """Requests charged and not yet settled, oldest first."""
    rows = await session.scalars(
        select(SolveRequest).where(SolveRequest.status.in_(OPEN_STATUSES)).order_by(SolveRequest.id)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who sent a request's photo, and when it arrived: how an answer names it among others."""

    name: str
    received_at: datetime


async def askers(session: AsyncSession, request_ids: Collection[int]) -> dict[int, Asker]:
    """By request id; the name is the member's first name, else their @username, else their id."""
    rows = await session.execute(
        select(SolveRequest.id, SolveRequest.received_at, User.id, User.first_name, User.username)
        .join(User, User.id == SolveRequest.user_id)
        .where(SolveRequest.id.in_(request_ids))
    )
    return {
        request_id: Asker(first_name or (f"@{username}" if username else str(user_id)), _aware(received_at))
        for request_id, received_at, user_id, first_name, username in rows
    }


def _aware(moment: datetime) -> datetime:
    """SQLite keeps no time zone: the times it hands back are the UTC they were written in."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
