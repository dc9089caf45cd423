"""Event-driven waiting for something the bot did: checked on every change, no polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Watch(Generic[T]):
    def __init__(self) -> None:
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def notify(self, item: T) -> None:
        """Hands `item` to every waiter whose predicate it satisfies."""
        still_waiting = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            try:
                matched = predicate(item)
            except Exception as error:
                future.set_exception(error)
                continue
            if matched:
                future.set_result(item)
            else:
                still_waiting.append((predicate, future))
        self._waiters = still_waiting

    async def wait(
        self, existing: Iterable[T], predicate: Callable[[T], bool], seconds: float, what: Callable[[], str]
    ) -> T:
        """The first of `existing` that satisfies `predicate`, else the first notified one.

        On timeout raises TimeoutError saying `what()` there was instead."""
        for item in existing:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            async with asyncio.timeout(seconds):
                return await future
        except TimeoutError:
            raise TimeoutError(f"nothing matched within {seconds} s; {what()}") from None
        finally:
            future.cancel()
