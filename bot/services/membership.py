"""Who is on the team, for MEMBERS_ONLY: admins, users an admin granted tokens, and members of an allowed group.

Group membership is asked of Telegram (getChatMember, through the Roster port) and remembered for
`cache_seconds`, yes or no, for at most MAX_REMEMBERED users (the least recently asked are forgotten first).
A grant is looked up in the ledger before a remembered "no", so an admin's grant lets a stranger in at once.
When Telegram cannot be asked, a user remembered as a member (even past `cache_seconds`) is still served;
anyone else is UNKNOWN, and told to try again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bot.db.engine import SessionMaker
from bot.db.history import was_granted
from bot.services.ports import ChatGone, Refused, Roster, TryLater

log = logging.getLogger(__name__)

MAX_REMEMBERED = 10_000


class Standing(Enum):
    MEMBER = "member"
    STRANGER = "stranger"
    UNKNOWN = "unknown"  # Telegram could not be asked, and nobody remembers them as a member


@dataclass(frozen=True, slots=True)
class _Answer:
    member: bool
    at: float  # when Telegram said so


class Membership:
    def __init__(
        self,
        roster: Roster,
        sessions: SessionMaker,
        *,
        groups: frozenset[int],
        admins: frozenset[int],
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._roster = roster
        self._sessions = sessions
        self._groups = sorted(groups)
        self._admins = admins
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._answers: OrderedDict[int, _Answer] = OrderedDict()
        self._asking: dict[int, asyncio.Task[Standing]] = {}  # one question at a time per user

    async def standing(self, user_id: int) -> Standing:
        if user_id in self._admins:
            return Standing.MEMBER
        answer = self._answers.get(user_id)
        fresh = answer is not None and self._clock() - answer.at < self._cache_seconds
        if fresh and answer is not None and answer.member:
            return Standing.MEMBER
        async with self._sessions() as session:
            if await was_granted(session, user_id):
                return Standing.MEMBER
        if fresh:
            return Standing.STRANGER
        asking = self._asking.get(user_id)
        if asking is None:
            asking = self._asking[user_id] = asyncio.create_task(self._ask(user_id))
            asking.add_done_callback(lambda _: self._asking.pop(user_id, None))
        return await asyncio.shield(asking)

    async def _ask(self, user_id: int) -> Standing:
        answers = await asyncio.gather(*(self._in_group(group, user_id) for group in self._groups))
        if True in answers or None not in answers:
            member = True in answers
            self._remember(user_id, _Answer(member, self._clock()))
            return Standing.MEMBER if member else Standing.STRANGER
        known = self._answers.get(user_id)
        if known is not None and known.member:
            log.warning("Telegram cannot say whether user %s is a member; serving them as they were", user_id)
            return Standing.MEMBER
        return Standing.UNKNOWN

    async def _in_group(self, group_id: int, user_id: int) -> bool | None:
        """Whether the user is in the group; None when Telegram cannot be asked now."""
        try:
            return await self._roster.is_member(group_id, user_id)
        except TryLater as exc:
            log.warning("cannot ask Telegram whether user %s is in group %s: %s", user_id, group_id, exc)
            return None
        except (ChatGone, Refused) as exc:
            log.warning("group %s cannot be asked about its members (%s): is the bot in it?", group_id, exc)
            return False

    def _remember(self, user_id: int, answer: _Answer) -> None:
        self._answers[user_id] = answer
        self._answers.move_to_end(user_id)
        while len(self._answers) > MAX_REMEMBERED:
            self._answers.popitem(last=False)
