"""The only code that changes a balance: one conditional UPDATE plus its ledger row, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LedgerEntry, LedgerReason, User


class NotEnoughTokens(Exception):
    def __init__(self, balance: int) -> None:
        super().__init__(f"balance {balance} is too low")
        self.balance = balance


class UnknownUser(Exception):
    pass


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
    balance_after: int | None = await session.scalar(
        update(User)
        .where(User.id == user_id, User.balance + delta >= 0)
        .values(balance=User.balance + delta)
        .returning(User.balance)
    )
    if balance_after is None:
        balance = await session.scalar(select(User.balance).where(User.id == user_id))
        if balance is None:
            raise UnknownUser(user_id)
        raise NotEnoughTokens(balance)
    await session.execute(
        insert(LedgerEntry).values(
            user_id=user_id,
            delta=delta,
            balance_after=balance_after,
            reason=reason,
            solve_request_id=request_id,
            actor=actor,
            note=note,
        )
    )
    return balance_after
