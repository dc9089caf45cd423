"""Many small units of work, committed together: one transaction per burst instead of one per unit.

A unit that arrives while a transaction runs waits for the next one, which takes everything queued
by then (up to `max_batch`). An idle bot therefore commits a unit at once, and a burst of photos
shares a few transactions: the fixed cost of an SQLAlchemy transaction (about 1 ms of CPU) is paid
once per batch.

A unit runs in the shared session and must not commit or roll back. If one raises, the transaction
is rolled back and each unit of the batch runs again in a transaction of its own, so only the
failing unit sees its error. Results are handed out after the commit, never before.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionMaker

T = TypeVar("T")
Unit = Callable[[AsyncSession], Awaitable[T]]
_Queued = tuple[Unit[Any], asyncio.Future[Any]]


class GroupCommit:
    def __init__(self, sessions: SessionMaker, *, max_batch: int = 50) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._queue: deque[_Queued] = deque()
        self._worker: asyncio.Task[None] | None = None

    async def run(self, unit: Unit[T]) -> T:
        """Run `unit` in a transaction shared with whatever else is queued; its result once committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((unit, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def close(self) -> None:
        """Wait for the queued units to be committed."""
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _drain(self) -> None:
        while self._queue:
            batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            try:
                await self._commit([queued for queued in batch if not queued[1].done()])
            except BaseException:  # cancelled: nobody is left to commit for the callers
                for _, future in (*batch, *self._queue):
                    future.cancel()
                self._queue.clear()
                raise

    async def _commit(self, batch: list[_Queued]) -> None:
        if not batch:
            return
        try:
            async with self._sessions.begin() as session:
                results = [await unit(session) for unit, _ in batch]
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
