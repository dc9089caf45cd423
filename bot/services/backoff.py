"""Waits between tries of something Telegram could not do just now."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

FIRST = 0.5
LONGEST = 3.0  # so that an answer follows within seconds once Telegram is back, however long it was away


def backoff(first: float = FIRST, longest: float = LONGEST) -> Iterator[float]:
    """0.5, 1, 2, 3, 3, … seconds: doubling up to `longest`, for ever."""
    delay = first
    for _ in itertools.count():
        yield delay
        delay = min(delay * 2, longest)
