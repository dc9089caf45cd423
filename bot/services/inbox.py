"""The inbox: every update Telegram hands over is stored before Telegram is told it arrived.

The Telegram side (handlers/polling.py) confirms an update's offset only after `record` has returned, and hands
each new update to the handlers. An update is marked handled once what it asked for is recorded: a photo in the
transaction of its first record (services/bookkeeping.py), a grant in its own, anything else when its handler is
done. At start-up the updates left unhandled are handed over again. Handled updates are kept for a day, because
Telegram may deliver an unconfirmed update again for as long.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.db.engine import SessionMaker
from bot.db.inbox import forget_handled, mark_handled, record_updates, unhandled_updates
from bot.db.models import utcnow

KEEP = timedelta(hours=25)  # Telegram keeps an unconfirmed update for 24 hours


class Inbox:
    def __init__(self, sessions: SessionMaker) -> None:
        self._sessions = sessions

    async def record(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Store (update_id, JSON) pairs in one transaction; the ids never seen before, to be handled."""
        if not updates:
            return set()
        async with self._sessions.begin() as session:
            return await record_updates(session, updates)

    async def handled(self, update_id: int) -> None:
        async with self._sessions.begin() as session:
            await mark_handled(session, [update_id])

    async def unhandled(self) -> list[str]:
        """The JSON of the updates recorded by an earlier run and never handled, oldest first."""
        async with self._sessions() as session:
            return await unhandled_updates(session)

    async def forget_old(self) -> None:
        async with self._sessions.begin() as session:
            await forget_handled(session, utcnow() - KEEP)
