"""The only code that changes a balance: one conditional UPDATE per change plus its ledger row, in the
caller's transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

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
_BALANCES = select(_users.c.id, _users.c.balance).where(_users.c.id.in_(bindparam("user_ids", expanding=True)))
_RECORD = insert(table_of(LedgerEntry))


@dataclass(frozen=True, slots=True)
class BalanceChange:
    user_id: int
    delta: int
    reason: LedgerReason
    actor: str
    request_id: int | None = None
    note: str | None = None


async def change_balances(session: AsyncSession, changes: Sequence[BalanceChange]) -> list[int | NotEnoughTokens]:
    """Apply each change in order unless it would take its balance below zero: the new balance, or why not.

    One conditional UPDATE per change; the ledger rows of those applied are written together."""
    outcomes: list[int | NotEnoughTokens] = []
    ledger_rows = []
    for change in changes:
        balance_after: int | None = await session.scalar(_APPLY, {"user_id": change.user_id, "delta": change.delta})
        if balance_after is None:
            balance = await current_balance(session, change.user_id)
            if balance is None:
                raise UnknownUser(change.user_id)
            outcomes.append(NotEnoughTokens(balance))
            continue
        outcomes.append(balance_after)
        ledger_rows.append(
            {
                "user_id": change.user_id,
                "delta": change.delta,
                "balance_after": balance_after,
                "reason": change.reason,
                "solve_request_id": change.request_id,
                "actor": change.actor,
                "note": change.note,
            }
        )
    if ledger_rows:
        await session.execute(_RECORD, ledger_rows)
    return outcomes


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
    """Apply `delta` unless it would take the balance below zero (NotEnoughTokens); return the new balance."""
    (outcome,) = await change_balances(session, [BalanceChange(user_id, delta, reason, actor, request_id, note)])
    if isinstance(outcome, NotEnoughTokens):
        raise outcome
    return outcome


async def current_balance(session: AsyncSession, user_id: int) -> int | None:
    balance: int | None = await session.scalar(_BALANCE, {"user_id": user_id})
    return balance


async def current_balances(session: AsyncSession, user_ids: Collection[int]) -> dict[int, int]:
    rows = await session.execute(_BALANCES, {"user_ids": list(user_ids)})
    return dict(rows.all())
