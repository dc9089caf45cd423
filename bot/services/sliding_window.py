"""At most `limit` events in any `period` seconds, counted exactly: Telegram's flood limits and a member's photos
per minute are both such windows."""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    __slots__ = ("_period", "_times")

    def __init__(self, limit: int, period: float) -> None:
        self._times: deque[float] = deque(maxlen=max(1, limit))
        self._period = period

    def ready_in(self, now: float) -> float:
        """Seconds until one more event fits; 0 (or less) when it fits now."""
        if len(self._times) < (self._times.maxlen or 1):
            return 0.0
        return self._times[0] + self._period - now

    def take(self, now: float) -> None:
        self._times.append(now)  # the oldest falls out of a full window

    def spare(self, now: float) -> int:
        return (self._times.maxlen or 1) - sum(1 for time in self._times if time + self._period > now)

    def empty(self, now: float) -> bool:
        return not self._times or self._times[-1] + self._period <= now
