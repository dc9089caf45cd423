"""Members and their tokens: first sight, balances, grants, the usage table."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.db.balances import BalanceChange, NotEnoughTokens, change_balance
from bot.db.engine import SessionMaker
from bot.db.history import latest_ledger
from bot.db.inbox import mark_handled
from bot.db.models import LedgerReason, User
from bot.db.usage import UserUsage as UserUsage  # part of this service's API
from bot.db.usage import list_user_usage
from bot.db.users import ensure_user, ensure_user_id, find_by_username, get_user, usernames

log = logging.getLogger(__name__)

MAX_GRANT = 1_000_000  # tokens in one grant, either way: a typo guard far above any real top-up
MAX_USER_ID = 2**52  # Telegram's user ids have at most 52 significant bits


@dataclass(frozen=True, slots=True)
class Profile:
    """Who sent an update, as Telegram describes them."""

    user_id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    username: str | None
    first_name: str | None
    language_code: str | None
    balance: int


@dataclass(frozen=True, slots=True)
class LedgerLine:
    created_at: datetime
    delta: int
    balance_after: int
    reason: str
    actor: str
    note: str | None


class GrantRefused(Exception):
    """The grant would take the balance below zero; nothing changed."""

    def __init__(self, balance: int) -> None:
        super().__init__(f"balance {balance} is too low")
        self.balance = balance


class GrantOutOfBounds(ValueError):
    """Not a Telegram user id, or more tokens than any one grant may move."""


def check_grant(user_id: int, amount: int) -> None:
    if not 0 < user_id < MAX_USER_ID:
        raise GrantOutOfBounds(f"{user_id} is not a Telegram user id (1 to 2^52)")
    if abs(amount) > MAX_GRANT:
        raise GrantOutOfBounds(f"at most {MAX_GRANT} tokens can be granted or removed at once")


class Accounts:
    def __init__(self, sessions: SessionMaker, *, initial_tokens: int) -> None:
        self._sessions = sessions
        self._initial_tokens = initial_tokens

    async def visit(self, profile: Profile) -> int:
        """Record that a member showed up; return their balance."""
        async with self._sessions.begin() as session:
            return await ensure_user(session, profile, initial_tokens=self._initial_tokens)

    async def grant(
        self, user_id: int, amount: int, *, actor: str, note: str | None = None, update_id: int | None = None
    ) -> int | None:
        """Add (or with a negative amount remove) tokens; return the new balance.

        With the `update_id` of the command that asks for it, the grant is applied once per update: None when
        it was applied before (the update handed over again after a crash). Raises GrantOutOfBounds for an
        impossible user id or amount, GrantRefused when the balance would go below zero; nothing changes then.
        """
        check_grant(user_id, amount)
        async with self._sessions.begin() as session:
            if update_id is not None and not await mark_handled(session, [update_id]):
                log.info("grant of update %s was applied before; not again", update_id)
                return None
            await ensure_user_id(session, user_id)
            try:
                balance = await change_balance(
                    session, BalanceChange(user_id, amount, LedgerReason.GRANT, actor, note=note)
                )
            except NotEnoughTokens as exc:
                raise GrantRefused(exc.balance) from None
        log.info("grant: user %s %+d by %s, balance now %d", user_id, amount, actor, balance)
        return balance

    async def contacts(self, user_ids: frozenset[int]) -> list[str]:
        """@usernames of these users, where known (to tell members whom to ask for tokens)."""
        async with self._sessions() as session:
            return await usernames(session, user_ids)

    async def find(self, who: str) -> Member | None:
        """A member by numeric id or @username, if the bot has seen them."""
        async with self._sessions() as session:
            if who.lstrip("-").isdigit():
                user_id = int(who)
                return _member(await get_user(session, user_id)) if 0 < user_id < MAX_USER_ID else None
            return _member(await find_by_username(session, who))

    async def get(self, user_id: int) -> Member | None:
        async with self._sessions() as session:
            return _member(await get_user(session, user_id))

    async def ledger(self, user_id: int, limit: int = 15) -> list[LedgerLine]:
        async with self._sessions() as session:
            entries = await latest_ledger(session, user_id, limit)
        return [
            LedgerLine(entry.created_at, entry.delta, entry.balance_after, entry.reason, entry.actor, entry.note)
            for entry in entries
        ]

    async def usage_table(self) -> list[UserUsage]:
        async with self._sessions() as session:
            return await list_user_usage(session)


def _member(user: User | None) -> Member | None:
    if user is None:
        return None
    return Member(user.id, user.username, user.first_name, user.language_code, user.balance)
