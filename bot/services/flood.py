"""Telegram's flood limits, planned for: when a chat may be sent its next message.

Telegram's Bot FAQ ("My bot is hitting limits, how do I avoid this?") asks for no more than about one message per
second in a chat (short bursts are tolerated), 20 per minute in a group and about 30 per second overall; edits
and photos count like messages, and past a limit it answers 429 with `retry_after`. The numbers are settings.

A group's minute is a budget to spread, not to spend at once: after a burst of `GROUP_BURST` its allowance
refills at the limit's own rate (one message every 3 s), and the answers that wait for it go as one message
(services/outbox.py). Sliding windows, counted exactly, make sure no minute and no second ever holds more than
the limit, with a margin for the time a message takes to reach Telegram, which counts it when it arrives.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.services.sliding_window import SlidingWindow

CHAT_BURST = 3  # messages one chat may be sent back to back
GROUP_BURST = 6  # of a group's minute, what may go at once
CHAT_MARGIN = 0.9  # of the per-chat rate: bursts are tolerated, but not at the edge
WINDOW_MARGIN = 1.05  # of a window's length: what leaves here within it arrives within the limit's
_MAX_IDLE_CHATS = 10_000  # chats remembered at most; forgotten ones are idle, with a full allowance


@dataclass(frozen=True, slots=True)
class FloodLimits:
    overall_per_second: float = 30.0
    chat_per_second: float = 1.0
    group_per_minute: int = 20


class _Allowance:
    """A token bucket: `capacity` messages at once, refilled at `rate` per second."""

    __slots__ = ("_capacity", "_rate", "_stamp", "_tokens")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self._capacity = capacity
        self._rate = rate
        self._tokens = capacity
        self._stamp = now

    def ready_in(self, now: float) -> float:
        tokens = self._level(now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self._rate

    def take(self, now: float) -> None:
        self._tokens = self._level(now) - 1
        self._stamp = now

    def spare(self, now: float) -> int:
        return int(self._level(now))

    def full(self, now: float) -> bool:
        return self._level(now) >= self._capacity

    def _level(self, now: float) -> float:
        return min(self._capacity, self._tokens + (now - self._stamp) * self._rate)


class _Chat:
    __slots__ = ("allowances", "held_until", "window")

    def __init__(self, allowances: tuple[_Allowance, ...], window: SlidingWindow | None) -> None:
        self.allowances = allowances
        self.window = window
        self.held_until = 0.0  # a 429's retry_after

    def ready_in(self, now: float) -> float:
        waits = [self.held_until - now, *(allowance.ready_in(now) for allowance in self.allowances)]
        if self.window is not None:
            waits.append(self.window.ready_in(now))
        return max(waits)

    def take(self, now: float) -> None:
        for allowance in self.allowances:
            allowance.take(now)
        if self.window is not None:
            self.window.take(now)

    def spare(self, now: float) -> int:
        if self.held_until > now:
            return 0
        spares = [allowance.spare(now) for allowance in self.allowances]
        return min(spares + ([self.window.spare(now)] if self.window is not None else []))

    def idle(self, now: float) -> bool:
        full = all(allowance.full(now) for allowance in self.allowances)
        return full and self.held_until <= now and (self.window is None or self.window.empty(now))


class FloodPlan:
    def __init__(self, limits: FloodLimits, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = limits
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._overall = SlidingWindow(int(limits.overall_per_second), 1.0 * WINDOW_MARGIN)
        self._held_until = 0.0

    def ready_in(self, chat_id: int) -> float:
        """Seconds until a message to `chat_id` may be sent; 0 when it may go now."""
        now = self._clock()
        waits = [self._held_until - now, self._overall.ready_in(now)]
        chat = self._chats.get(chat_id)
        if chat is not None:
            waits.append(chat.ready_in(now))
        return max(0.0, *waits)

    def spare(self, chat_id: int) -> int:
        """How many messages `chat_id` may be sent right now, one after the other."""
        now = self._clock()
        if self._held_until > now:
            return 0
        return min(self._overall.spare(now), self._chat(chat_id, now).spare(now))

    def take(self, chat_id: int) -> None:
        """A message to `chat_id` is being sent."""
        now = self._clock()
        self._chat(chat_id, now).take(now)
        self._overall.take(now)

    def hold(self, chat_id: int | None, seconds: float) -> None:
        """Telegram asked to wait (429): nothing goes to the chat (or anywhere, for None) for `seconds`."""
        now = self._clock()
        if chat_id is None:
            self._held_until = max(self._held_until, now + seconds)
        else:
            chat = self._chat(chat_id, now)
            chat.held_until = max(chat.held_until, now + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may be sent, and count it."""
        # Sleeping is the point: the allowance refills with time, no event announces it.
        while (wait := self.ready_in(chat_id)) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        self.take(chat_id)

    def _chat(self, chat_id: int, now: float) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= _MAX_IDLE_CHATS:
                for idle in [key for key, known in self._chats.items() if known.idle(now)]:
                    del self._chats[idle]
            chat = self._chats[chat_id] = self._new_chat(chat_id, now)
        return chat

    def _new_chat(self, chat_id: int, now: float) -> _Chat:
        own = _Allowance(CHAT_BURST, self._limits.chat_per_second * CHAT_MARGIN, now)
        if chat_id > 0:  # a private chat: Telegram's user ids are positive, group ids negative
            return _Chat((own,), None)
        per_minute = self._limits.group_per_minute
        group = _Allowance(min(GROUP_BURST, per_minute), per_minute / 60, now)
        return _Chat((own, group), SlidingWindow(per_minute, 60.0 * WINDOW_MARGIN))
