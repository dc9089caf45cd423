"""Many small pieces of work, committed together: one transaction per burst instead of one per piece.

An item that arrives while a transaction runs waits for the next one, which takes everything queued
by then (up to `max_batch` items). An idle bot therefore commits an item at once, and a burst of
photos shares a few transactions. Within a transaction, the items queued for the same work function
go to it in one call, so it can do them with a few statements instead of a few each: every statement
is several round trips to the database thread, each waiting for a turn of the busy event loop, and
these round trips in a row are what paced a burst of photos.

The work runs in the shared session and must not commit or roll back. If it raises, the transaction
is rolled back and each item of the batch is done again in a transaction of its own, so only the
failing item sees the error. Results are handed out after the commit, never before.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionMaker

P = TypeVar("P")
T = TypeVar("T")
Work = Callable[[AsyncSession, Sequence[P]], Awaitable[Sequence[T]]]
"""Does the items in the caller's transaction; returns one result per item, in order."""


@dataclass(frozen=True, slots=True)
class _Queued(Generic[P, T]):
    work: Work[P, T]
    item: P
    future: asyncio.Future[T]


class GroupCommit:
    def __init__(self, sessions: SessionMaker, *, max_batch: int = 50) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._queue: deque[_Queued[Any, Any]] = deque()
        self._worker: asyncio.Task[None] | None = None

    async def run(self, work: Work[P, T], item: P) -> T:
        """Do `item` with `work` in a transaction shared with whatever else is queued; its result once committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(work, item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def close(self) -> None:
        """Wait for the queued items to be committed."""
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _drain(self) -> None:
        while self._queue:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            try:
                await self._commit([queued for queued in batch if not queued.future.done()])
            except BaseException:  # cancelled: nobody is left to commit for the callers
                for queued in (*batch, *self._queue):
                    queued.future.cancel()
                self._queue.clear()
                raise

    async def _commit(self, batch: list[_Queued[Any, Any]]) -> None:
        if not batch:
            return
        by_work: dict[Work[Any, Any], list[_Queued[Any, Any]]] = {}
        for queued in batch:
            by_work.setdefault(queued.work, []).append(queued)
        try:
            async with self._sessions.begin() as session:
                done = [(group, await _do(work, session, group)) for work, group in by_work.items()]
        except Exception as exc:
            if len(batch) > 1:
                for queued in batch:  # find the culprit; the others commit on their own
                    await self._commit([queued])
            elif not batch[0].future.done():
                batch[0].future.set_exception(exc)
            return
        for group, results in done:
            for queued, result in zip(group, results, strict=True):
                if not queued.future.done():  # done: the caller stopped waiting (cancelled)
                    queued.future.set_result(result)


async def _do(work: Work[Any, Any], session: AsyncSession, group: list[_Queued[Any, Any]]) -> Sequence[Any]:
    results = await work(session, [queued.item for queued in group])
    if len(results) != len(group):
        raise RuntimeError(f"{work} returned {len(results)} results for {len(group)} items")
    return results
