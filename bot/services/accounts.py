"""Members and their tokens: first sight, balances, grants, the usage table."""

from __future__ import annotations

import logging

from bot.db.balances import change_balance
from bot.db.engine import SessionMaker
from bot.db.models import LedgerReason
from bot.db.usage import UserUsage, list_user_usage
from bot.db.users import Profile, ensure_user, ensure_user_id, get_user

log = logging.getLogger(__name__)


class Accounts:
    def __init__(self, sessions: SessionMaker, *, initial_tokens: int) -> None:
        self._sessions = sessions
        self._initial_tokens = initial_tokens

    async def visit(self, profile: Profile) -> int:
        """Record that a member showed up; return their balance."""
        async with self._sessions.begin() as session:
            await ensure_user(session, profile, initial_tokens=self._initial_tokens)
            user = await get_user(session, profile.user_id)
            assert user is not None
            return user.balance

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

    async def usage_table(self) -> list[UserUsage]:
        async with self._sessions() as session:
            return await list_user_usage(session)
