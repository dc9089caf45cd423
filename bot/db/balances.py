"""The only code that changes a balance: one conditional UPDATE per change plus its ledger row, in the
caller's transaction."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import LedgerEntry, LedgerReason, User, table_of


class NotEnoughTokens(Exception):
    def __init__(self, balance: int) -> None:
        super().__init__(f"balance {balance} is too low")
        self.balance = balance


class UnknownUser(Exception):
    pass


class StaleBalance(Exception):
    """A balance changed between reading and writing it: nothing may be concluded from that transaction."""


_users = table_of(User)
# Built once: building a statement costs more CPU than running it, and the bot runs these per photo.
_APPLY = (
    update(_users)
    .where(_users.c.id == bindparam("user_id"), _users.c.balance + bindparam("delta") >= 0)
    .values(balance=_users.c.balance + bindparam("delta"))
)
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

    The balances are read once and the outcomes worked out in order; then every applied change is written as
    its conditional UPDATE, all in one executemany, and their ledger rows in one INSERT. The UPDATEs' row
    count proves the balances read were still current; if they were not, StaleBalance is raised and the
    caller's transaction must be rolled back. A few statements for any number of changes."""
    if not changes:
        return []
    balances = await current_balances(session, {change.user_id for change in changes})
    outcomes: list[int | NotEnoughTokens] = []
    applied: list[tuple[BalanceChange, int]] = []
    for change in changes:
        if change.user_id not in balances:
            raise UnknownUser(change.user_id)
        balance_after = balances[change.user_id] + change.delta
        if balance_after < 0:
            outcomes.append(NotEnoughTokens(balances[change.user_id]))
            continue
        balances[change.user_id] = balance_after
        outcomes.append(balance_after)
        applied.append((change, balance_after))
    if applied:
        written = await session.execute(
            _APPLY, [{"user_id": change.user_id, "delta": change.delta} for change, _ in applied]
        )
        if cast(CursorResult[Any], written).rowcount != len(applied):
            raise StaleBalance("a balance changed while it was being charged")
        await session.execute(
            _RECORD,
            [
                {
                    "user_id": change.user_id,
                    "delta": change.delta,
                    "balance_after": balance_after,
                    "reason": change.reason,
                    "solve_request_id": change.request_id,
                    "actor": change.actor,
                    "note": change.note,
                }
                for change, balance_after in applied
            ],
        )
    return outcomes


async def change_balance(session: AsyncSession, change: BalanceChange) -> int:
    """Apply one change unless it would take the balance below zero (NotEnoughTokens); the new balance."""
    (outcome,) = await change_balances(session, [change])
    if isinstance(outcome, NotEnoughTokens):
        raise outcome
    return outcome


async def current_balances(session: AsyncSession, user_ids: Collection[int]) -> dict[int, int]:
    rows = await session.execute(_BALANCES, {"user_ids": list(user_ids)})
    return dict(rows.all())
