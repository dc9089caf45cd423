"""One step done for everyone waiting at it, in one transaction.

Every statement is several round trips to the database thread, each waiting for a turn of the event loop, and
in a burst of photos the loop is busy: one transaction per photo per step queues hundreds of them on the one
connection (measured with bench/throughput.py: wall 2.8 D instead of ≤ 1.5). So a step's callers share a
transaction: an item that arrives while one runs waits for the next, which takes everything queued by then (up
to `most`). An idle bot commits an item at once.

The work gets the items in arrival order, returns one result per item, runs in the shared session and must not
commit. If it raises, each item is done again in a transaction of its own, so only the failing item sees the
error. Results are handed out after the commit, never before.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionMaker

P = TypeVar("P")
T = TypeVar("T")
Work = Callable[[AsyncSession, Sequence[P]], Awaitable[Sequence[T]]]


class Batched(Generic[P, T]):
    def __init__(self, sessions: SessionMaker, work: Work[P, T], *, most: int = 100) -> None:
        self._sessions = sessions
        self._work = work
        self._most = most
        self._queue: deque[tuple[P, asyncio.Future[T]]] = deque()
        self._worker: asyncio.Task[None] | None = None

    async def __call__(self, item: P) -> T:
        """`item` done in a transaction shared with whatever else is waiting; its result once committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._most))]
            try:
                await self._commit([queued for queued in batch if not queued[1].done()])
            except BaseException:  # cancelled: nobody is left to commit for the callers
                for _, future in (*batch, *self._queue):
                    future.cancel()
                self._queue.clear()
                raise

    async def _commit(self, batch: list[tuple[P, asyncio.Future[T]]]) -> None:
        if not batch:
            return
        try:
            async with self._sessions.begin() as session:
                results = await self._work(session, [item for item, _ in batch])
                if len(results) != len(batch):
                    raise RuntimeError(f"{self._work} gave {len(results)} results for {len(batch)} items")
        except Exception as exc:
            if len(batch) > 1:
                for queued in batch:  # find the culprit; the others commit on their own
                    await self._commit([queued])
            elif not batch[0][1].done():
                batch[0][1].set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # done: the caller stopped waiting (cancelled)
                future.set_result(result)
