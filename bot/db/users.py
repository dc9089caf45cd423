"""Users: created on first sight, profile refreshed on every visit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, change_balances
from bot.db.models import LedgerReason, User, table_of, utcnow


class Profile(Protocol):
    """Who sent an update, as Telegram describes them (services/accounts.py has the one the bot uses)."""

    @property
    def user_id(self) -> int: ...
    @property
    def username(self) -> str | None: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def language_code(self) -> str | None: ...


_users = table_of(User)
_PROFILE = ("username", "first_name", "last_name", "language_code", "last_seen_at")
_insert = sqlite_insert(_users)
# Built once (the bot runs it per photo): the profile columns come from the new row.
_UPSERT = _insert.on_conflict_do_update(
    index_elements=[_users.c.id], set_={name: _insert.excluded[name] for name in _PROFILE}
).returning(_users.c.id, _users.c.balance, _users.c.first_seen_at)


async def ensure_users(session: AsyncSession, profiles: Sequence[Profile], *, initial_tokens: int) -> dict[int, int]:
    """Create new users (with their one-time initial grant) and refresh the profiles of known ones, in one
    statement; the balance of each. Of several profiles of one user, the last wins."""
    now = utcnow()
    latest = {profile.user_id: profile for profile in profiles}
    rows = await session.execute(
        _UPSERT,
        [
            {
                "id": profile.user_id,
                "balance": 0,
                "first_seen_at": now,
                "username": profile.username,
                "first_name": profile.first_name,
                "last_name": profile.last_name,
                "language_code": profile.language_code,
                "last_seen_at": now,
            }
            for profile in latest.values()
        ],
    )
    balances: dict[int, int] = {}
    new: list[int] = []
    for user_id, balance, first_seen_at in rows:
        balances[user_id] = balance
        if first_seen_at.replace(tzinfo=None) == now.replace(tzinfo=None):  # a row first seen just now
            new.append(user_id)
    if new and initial_tokens > 0:
        grants = [BalanceChange(user_id, initial_tokens, LedgerReason.INITIAL, "bot") for user_id in new]
        for user_id, outcome in zip(new, await change_balances(session, grants), strict=True):
            assert isinstance(outcome, int)  # a grant cannot take a balance below zero
            balances[user_id] = outcome
    return balances


async def ensure_user(session: AsyncSession, profile: Profile, *, initial_tokens: int) -> int:
    """Create the user (with their one-time initial grant) or refresh their profile; their balance."""
    return (await ensure_users(session, [profile], initial_tokens=initial_tokens))[profile.user_id]


async def ensure_user_id(session: AsyncSession, user_id: int) -> None:
    """Make sure a row exists for an id we only know by number (an admin granting ahead of time)."""
    now = utcnow()
    await session.execute(
        sqlite_insert(User).values(id=user_id, balance=0, first_seen_at=now, last_seen_at=now).on_conflict_do_nothing()
    )


async def find_by_username(session: AsyncSession, username: str) -> User | None:
    name = username.removeprefix("@").lower()
    return await session.scalar(select(User).where(func.lower(User.username) == name))


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def usernames(session: AsyncSession, user_ids: Collection[int]) -> list[str]:
    """The @usernames of these users that have one, by id."""
    if not user_ids:
        return []
    names = await session.scalars(
        select(User.username).where(User.id.in_(user_ids), User.username.is_not(None)).order_by(User.id)
    )
    return [f"@{name}" for name in names]
