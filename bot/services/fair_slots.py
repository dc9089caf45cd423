"""Solve slots shared fairly among members: at most `per_member` in flight for each, `total` for everyone.

A member's photos beyond their share wait behind other members' photos, not ahead of them: when a slot
frees, it goes to the waiting members in turn (round robin), each member's own photos in the order they came.
A member seen for the first time joins the end of the round, so one member's hundreds of photos delay
another's first one by at most one slot each for the members already waiting.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class FairSlots:
    def __init__(self, total: int, per_member: int) -> None:
        if total < 1 or per_member < 1:
            raise ValueError("total and per_member must be at least 1")
        self._free = total
        self._per_member = per_member
        self._running: Counter[int] = Counter()
        # Members with photos waiting, in the order of their next turn; each with its waiters, oldest first.
        self._waiting: OrderedDict[int, deque[asyncio.Future[None]]] = OrderedDict()

    @asynccontextmanager
    async def slot(self, member: int) -> AsyncIterator[None]:
        """Hold one of the member's slots for the block; waits for it when none is free."""
        await self._acquire(member)
        try:
            yield
        finally:
            self._release(member)

    async def _acquire(self, member: int) -> None:
        # After every hand-out no free slot is left that a waiter could take: taking one now jumps nobody.
        if self._free and self._running[member] < self._per_member and member not in self._waiting:
            self._take(member)
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(member, deque()).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed a slot just as it was cancelled
                self._release(member)
            else:
                self._forget(member, waiter)
            raise

    def _take(self, member: int) -> None:
        self._free -= 1
        self._running[member] += 1

    def _release(self, member: int) -> None:
        self._free += 1
        self._running[member] -= 1
        if not self._running[member]:
            del self._running[member]
        self._hand_out()

    def _hand_out(self) -> None:
        while self._free:
            member = next((m for m in self._waiting if self._running[m] < self._per_member), None)
            if member is None:
                return
            waiters = self._waiting[member]
            self._take(member)
            waiters.popleft().set_result(None)
            if waiters:
                self._waiting.move_to_end(member)  # their next photo waits for everyone else's turn
            else:
                del self._waiting[member]

    def _forget(self, member: int, waiter: asyncio.Future[None]) -> None:
        waiters = self._waiting.get(member)
        if waiters is None:
            return
        waiters.remove(waiter)
        if not waiters:
            del self._waiting[member]
