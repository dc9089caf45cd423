"""The outbox table: messages owed to chats, from the transaction that decided them until Telegram settles them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, OutboxState, table_of, utcnow

_outbox = table_of(OutboxMessage)
_ADD = insert(_outbox).returning(_outbox.c.id, sort_by_parameter_order=True)
_SETTLE = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("message_id"), _outbox.c.state == OutboxState.PENDING)
    .values(state=bindparam("new_state"), error=bindparam("reason"), settled_at=bindparam("now"))
)


@dataclass(frozen=True, slots=True)
class NewMessage:
    chat_id: int
    reply_to: int
    replaces: int | None
    request_id: int | None
    text: str
    reports: tuple[int, ...] = ()  # the requests whose ✅/❌ buttons go under it


async def add_messages(session: AsyncSession, new: Sequence[NewMessage]) -> list[int]:
    """Pending messages, in one statement; their ids, in order."""
    if not new:
        return []
    now = utcnow()
    rows = await session.execute(
        _ADD,
        [
            {
                "chat_id": message.chat_id,
                "reply_to": message.reply_to,
                "replaces": message.replaces,
                "request_id": message.request_id,
                "text": message.text,
                "reports": list(message.reports) or None,
                "state": OutboxState.PENDING,
                "created_at": now,
            }
            for message in new
        ],
    )
    return list(rows.scalars())


async def pending_messages(session: AsyncSession, *, limit: int, besides: Collection[int] = ()) -> list[OutboxMessage]:
    """The oldest pending messages, leaving out those in `besides` (already being delivered)."""
    query = select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)
    if besides:
        query = query.where(OutboxMessage.id.not_in(besides))
    return list(await session.scalars(query.order_by(OutboxMessage.id).limit(limit)))


async def settle_messages(session: AsyncSession, outcomes: Sequence[tuple[int, OutboxState, str | None]]) -> None:
    """(message id, delivered or undeliverable, why) for each, in one statement."""
    now = utcnow()
    await session.execute(
        _SETTLE,
        [
            {"message_id": message_id, "new_state": state, "reason": reason, "now": now}
            for message_id, state, reason in outcomes
        ],
    )
