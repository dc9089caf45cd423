"""Users: created on first sight, profile refreshed on every visit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, change_balances
from bot.db.models import LedgerReason, User, table_of, utcnow


@dataclass(frozen=True, slots=True)
class Profile:
    """Who sent an update, as Telegram describes them."""

    user_id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


_users = table_of(User)
_PROFILE = ("username", "first_name", "last_name", "language_code", "last_seen_at")
_insert = sqlite_insert(_users)
# Built once (the bot runs these per photo); the profile columns come from the new row.
_UPSERT = _insert.on_conflict_do_update(
    index_elements=[_users.c.id], set_={name: _insert.excluded[name] for name in _PROFILE}
)
_SEEN = select(_users.c.id, _users.c.balance, _users.c.first_seen_at).where(
    _users.c.id.in_(bindparam("user_ids", expanding=True))
)


async def ensure_users(session: AsyncSession, profiles: Sequence[Profile], *, initial_tokens: int) -> dict[int, int]:
    """Create new users (with their one-time initial grant) and refresh the profiles of known ones; the
    balance of each. Of several profiles of one user, the last wins."""
    now = utcnow()
    latest = {profile.user_id: profile for profile in profiles}
    await session.execute(
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
    seen = (await session.execute(_SEEN, {"user_ids": list(latest)})).all()
    balances = {user_id: balance for user_id, balance, _ in seen}
    # A row first seen just now is a new member.
    new = [
        user_id for user_id, _, first_seen_at in seen if first_seen_at.replace(tzinfo=None) == now.replace(tzinfo=None)
    ]
    if new and initial_tokens > 0:
        grants = [BalanceChange(user_id, initial_tokens, LedgerReason.INITIAL, "bot") for user_id in new]
        for user_id, outcome in zip(new, await change_balances(session, grants), strict=True):
            assert isinstance(outcome, int)  # a grant cannot take a balance below zero
            balances[user_id] = outcome
    return balances


async def ensure_user(session: AsyncSession, profile: Profile, *, initial_tokens: int) -> int:
    """Create the user (with their one-time initial grant) or refresh their profile; return the balance."""
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
