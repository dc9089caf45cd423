"""Telegram's flood limits on the messages a bot sends, for the fake Bot API to enforce when asked.

Telegram publishes them only roughly: about one message per second per chat (short bursts pass), 20 per minute
per group and about 30 per second overall. Beyond them it answers 429 "Too Many Requests: retry after N".
Here the per-chat limit is a token bucket and the other two are sliding windows; a message refused by any of
them counts against none.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class FloodLimits:
    per_chat_burst: int = 3  # messages a chat takes at once before the per-second rate applies
    per_chat_per_second: float = 1.0
    per_group_per_minute: int = 20  # groups, supergroups and channels: chats with an id below zero
    overall_per_second: int = 30


TELEGRAM_LIMITS = FloodLimits()


class _TokenBucket:
    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self._capacity = capacity
        self._rate = rate
        self._tokens = float(capacity)
        self._filled_at = now

    def wait(self, now: float) -> float:
        self._tokens = min(self._capacity, self._tokens + (now - self._filled_at) * self._rate)
        self._filled_at = now
        return max(0.0, (1 - self._tokens) / self._rate)

    def take(self) -> None:
        self._tokens -= 1


class _SlidingWindow:
    def __init__(self, limit: int, seconds: float) -> None:
        self._limit = limit
        self._seconds = seconds
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self._times and self._times[0] <= now - self._seconds:
            self._times.popleft()
        if len(self._times) < self._limit:
            return 0.0
        # The message that has to leave the window before one more fits in it.
        return self._times[len(self._times) - self._limit] + self._seconds - now

    def take(self, now: float) -> None:
        self._times.append(now)


class FloodControl:
    def __init__(self, limits: FloodLimits, clock: Clock = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._chats: dict[int, _TokenBucket] = {}
        self._groups: dict[int, _SlidingWindow] = {}
        self._overall = _SlidingWindow(limits.overall_per_second, 1.0)

    def admit(self, chat_id: int) -> int:
        """0 when a message to `chat_id` may go now, and it is counted; otherwise the whole seconds (at least 1)
        until it may, as Telegram's retry_after, and nothing is counted."""
        now = self._clock()
        if chat_id not in self._chats:
            self._chats[chat_id] = _TokenBucket(self._limits.per_chat_burst, self._limits.per_chat_per_second, now)
        bucket = self._chats[chat_id]
        windows = [self._overall]
        if chat_id < 0:
            if chat_id not in self._groups:
                self._groups[chat_id] = _SlidingWindow(self._limits.per_group_per_minute, 60.0)
            windows.append(self._groups[chat_id])
        wait = max(bucket.wait(now), *(window.wait(now) for window in windows))
        if wait > 0:
            return max(1, math.ceil(wait))
        bucket.take()
        for window in windows:
            window.take(now)
        return 0
