"""Members and their tokens: first sight, balances, grants, the usage table."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.db.balances import change_balance
from bot.db.engine import SessionMaker
from bot.db.history import latest_ledger
from bot.db.models import LedgerEntry, LedgerReason, User
from bot.db.usage import UserUsage, list_user_usage
from bot.db.users import Profile, ensure_user, ensure_user_id, find_by_username, get_user

log = logging.getLogger(__name__)


class Accounts:
    def __init__(self, sessions: SessionMaker, *, initial_tokens: int) -> None:
        self._sessions = sessions
        self._initial_tokens = initial_tokens

    async def visit(self, profile: Profile) -> int:
        """Record that a member showed up; return their balance."""
        async with self._sessions.begin() as session:
            return await ensure_user(session, profile, initial_tokens=self._initial_tokens)

    async def grant(self, user_id: int, amount: int, *, actor: str, note: str | None = None) -> int:
        """Add (or with a negative amount remove) tokens; return the new balance.

        Raises NotEnoughTokens when the balance would go below zero; nothing changes then.
        """
        async with self._sessions.begin() as session:
            await ensure_user_id(session, user_id)
            balance = await change_balance(
                session, user_id=user_id, delta=amount, reason=LedgerReason.GRANT, actor=actor, note=note
            )
        log.info("grant: user %s %+d by %s, balance now %d", user_id, amount, actor, balance)
        return balance

    async def contacts(self, user_ids: frozenset[int]) -> list[str]:
        """@usernames of these users, where known (to tell members whom to ask for tokens)."""
        if not user_ids:
            return []
        async with self._sessions() as session:
            names = await session.scalars(
                select(User.username).where(User.id.in_(user_ids), User.username.is_not(None)).order_by(User.id)
            )
            return [f"@{name}" for name in names]

    async def find(self, who: str) -> User | None:
        """A member by numeric id or @username, if the bot has seen them."""
        async with self._sessions() as session:
            if who.lstrip("-").isdigit():
                return await get_user(session, int(who))
            return await find_by_username(session, who)

    async def get(self, user_id: int) -> User | None:
        async with self._sessions() as session:
            return await get_user(session, user_id)

    async def ledger(self, user_id: int, limit: int = 15) -> list[LedgerEntry]:
        async with self._sessions() as session:
            return await latest_ledger(session, user_id, limit)

    async def usage_table(self) -> list[UserUsage]:
        async with self._sessions() as session:
            return await list_user_usage(session)
