"""The inbox table: updates as Telegram handed them over, until what they ask for is recorded or done."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxUpdate, table_of, utcnow

_inbox = table_of(InboxUpdate)
_RECORD = sqlite_insert(_inbox).on_conflict_do_nothing().returning(_inbox.c.update_id)
_HANDLE = (
    update(_inbox)
    .where(_inbox.c.update_id.in_(bindparam("ids", expanding=True)), _inbox.c.handled_at.is_(None))
    .values(handled_at=bindparam("now"), payload=None)
)


async def record_updates(session: AsyncSession, updates: Sequence[tuple[int, str]]) -> set[int]:
    """Store (update_id, JSON) pairs in one statement; the ids that were not stored before."""
    now = utcnow()
    rows = await session.execute(
        _RECORD, [{"update_id": update_id, "payload": payload, "received_at": now} for update_id, payload in updates]
    )
    return set(rows.scalars())


async def mark_handled(session: AsyncSession, update_ids: Collection[int]) -> int:
    """These updates need nothing more; how many were not marked before (the others were done then)."""
    marked = await session.execute(_HANDLE, {"ids": list(update_ids), "now": utcnow()})
    return int(marked.rowcount)  # type: ignore[attr-defined]


async def unhandled_updates(session: AsyncSession) -> list[str]:
    """The JSON of updates stored and not yet handled, in the order Telegram numbered them."""
    rows = await session.scalars(
        select(_inbox.c.payload)
        .where(_inbox.c.handled_at.is_(None), _inbox.c.payload.is_not(None))
        .order_by(_inbox.c.update_id)
    )
    return [payload for payload in rows if payload is not None]


async def forget_handled(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(_inbox).where(_inbox.c.handled_at < before))
