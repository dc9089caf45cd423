"""MAX_PHOTOS_PER_MINUTE: how many photos each member may send in any 60 seconds.

Counted in this process's memory (a restart forgets the last minute, which costs at most one more minute's
allowance). A member past the limit is told once, on the first photo refused since their last one taken;
the photos after it in the same stretch are refused in silence, so that a burst of photos does not become a
burst of refusals in the chat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.services.sliding_window import SlidingWindow

WINDOW = 60.0
_SWEEP_FROM = 1_000  # members remembered before the idle ones are dropped


@dataclass(frozen=True, slots=True)
class Slowdown:
    wait: float  # seconds until the member's next photo is taken
    tell: bool  # the first photo refused since their last one taken


class PhotoRate:
    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.limit = per_minute
        self._clock = clock
        self._taken: dict[int, SlidingWindow] = {}  # by member: their photos of the last minute
        self._told: set[int] = set()
        self._sweep_at = _SWEEP_FROM

    def take(self, user_id: int) -> Slowdown | None:
        """Count the member's photo; a Slowdown instead when they are past the limit (not counted)."""
        now = self._clock()
        if len(self._taken) >= self._sweep_at:
            self._sweep(now)
        taken = self._taken.setdefault(user_id, SlidingWindow(self.limit, WINDOW))
        wait = taken.ready_in(now)
        if wait <= 0:
            taken.take(now)
            self._told.discard(user_id)
            return None
        tell = user_id not in self._told
        self._told.add(user_id)
        return Slowdown(wait, tell)

    def _sweep(self, now: float) -> None:
        idle = [user_id for user_id, taken in self._taken.items() if taken.empty(now)]
        for user_id in idle:
            del self._taken[user_id]
            self._told.discard(user_id)
        self._sweep_at = max(_SWEEP_FROM, 2 * len(self._taken))
