"""Users: created on first sight, profile refreshed on every visit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import change_balance
from bot.db.models import LedgerReason, User, utcnow


@dataclass(frozen=True, slots=True)
class Profile:
    """Who sent an update, as Telegram describes them."""

    user_id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


async def ensure_user(session: AsyncSession, profile: Profile, *, initial_tokens: int) -> None:
    """Create the user (with their one-time initial grant) or refresh their profile."""
    now = utcnow()
    fields = {
        "username": profile.username,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "language_code": profile.language_code,
        "last_seen_at": now,
    }
    created = await session.scalar(
        sqlite_insert(User)
        .values(id=profile.user_id, balance=0, first_seen_at=now, **fields)
        .on_conflict_do_nothing()
        .returning(User.id)
    )
    if created is None:
        await session.execute(update(User).where(User.id == profile.user_id).values(**fields))
    elif initial_tokens > 0:
        await change_balance(
            session,
            user_id=profile.user_id,
            delta=initial_tokens,
            reason=LedgerReason.INITIAL,
            actor="bot",
        )


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
