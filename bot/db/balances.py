"""The only code that changes a balance: one conditional UPDATE plus its ledger row, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LedgerEntry, LedgerReason, User, table_of


class NotEnoughTokens(Exception):
    def __init__(self, balance: int) -> None:
        super().__init__(f"balance {balance} is too low")
        self.balance = balance


class UnknownUser(Exception):
    pass


_users = table_of(User)
# Built once: building a statement costs more CPU than running it, and the bot runs these per photo.
_APPLY = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"), _users.c.balance + bindparam("delta") >= 0)
    .values(balance=_users.c.balance + bindparam("delta"))
    .returning(_users.c.balance)
)
_BALANCE = select(_users.c.balance).where(_users.c.id == bindparam("user_id"))
_RECORD = insert(table_of(LedgerEntry))


async def change_balance(
    session: AsyncSession,
    *,
    user_id: int,
    delta: int,
    reason: LedgerReason,
    actor: str,
    request_id: int | None = None,
    note: str | None = None,
) -> int:
    """Apply `delta` unless it would take the balance below zero; return the new balance."""
    balance_after: int | None = await session.scalar(_APPLY, {"user_id": user_id, "delta": delta})
    if balance_after is None:
        balance = await session.scalar(_BALANCE, {"user_id": user_id})
        if balance is None:
            raise UnknownUser(user_id)
        raise NotEnoughTokens(balance)
    await session.execute(
        _RECORD,
        {
            "user_id": user_id,
            "delta": delta,
            "balance_after": balance_after,
            "reason": reason,
            "solve_request_id": request_id,
            "actor": actor,
            "note": note,
        },
    )
    return balance_after


async def current_balance(session: AsyncSession, user_id: int) -> int | None:
    balance: int | None = await session.scalar(_BALANCE, {"user_id": user_id})
    return balance
