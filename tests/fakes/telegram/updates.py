"""The update queue behind getUpdates: confirmation by offset, long polling, redelivery."""

from __future__ import annotations

import asyncio
import bisect
from dataclasses import dataclass

from tests.fakes.telegram.params import ApiError, JSONDict

_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
# Kinds Telegram leaves out unless allowed_updates names them.
_OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class _Pending:
    update: JSONDict
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class UpdateQueue:
    """Pending updates in update_id order.

    An offset confirms only updates already delivered: a redelivered update may then sit below the
    offset the client last sent without being forgotten, and none is skipped that the client never saw.
    """

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._history: dict[int, JSONDict] = {}
        self._next_id = 700_000_001
        self._allowed: frozenset[str] = frozenset()
        self._wakeup = asyncio.Event()
        self._poller = 0  # the latest getUpdates call; an earlier one still waiting is answered 409
        self._closed = False

    def push(self, kind: str, payload: JSONDict) -> int:
        update_id = self._next_id
        self._next_id += 1
        update = {"update_id": update_id, kind: payload}
        self._history[update_id] = update
        self._pending.append(_Pending(update))
        self._wake()
        return update_id

    def redeliver(self, update_id: int) -> None:
        bisect.insort(self._pending, _Pending(self._history[update_id]), key=lambda p: p.update_id)
        self._wake()

    def drop_pending(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        """Answers every waiting long poll at once, so the server can shut down."""
        self._closed = True
        self._wake()

    async def get(
        self, offset: int | None, limit: int, poll_seconds: float, allowed: list[str] | None
    ) -> list[JSONDict]:
        if offset is not None:
            self._confirm(offset)
        if allowed is not None:
            self._allowed = frozenset(allowed)
        self._poller += 1
        me = self._poller
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + poll_seconds
        while True:
            wakeup = self._wakeup
            if me != self._poller:
                raise ApiError(409, _CONFLICT)
            batch = self._take(limit)
            remaining = deadline - loop.time()
            if batch or self._closed or remaining <= 0:
                return batch
            try:
                async with asyncio.timeout(remaining):
                    await wakeup.wait()
            except TimeoutError:
                return []

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _confirm(self, offset: int) -> None:
        if offset < 0:  # Telegram's "the last -offset updates", forgetting all before them
            self._pending = self._pending[offset:]
        else:
            self._pending = [p for p in self._pending if not (p.delivered and p.update_id < offset)]

    def _take(self, limit: int) -> list[JSONDict]:
        self._pending = [p for p in self._pending if self._is_allowed(p.update)]
        batch = self._pending[:limit]
        for pending in batch:
            pending.delivered = True
        return [pending.update for pending in batch]

    def _is_allowed(self, update: JSONDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        return kind in self._allowed if self._allowed else kind not in _OPT_IN_KINDS
