"""What a member is told about a photo, in service terms; the Telegram side words it (handlers/render.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import ErrorCode
from bot.solver.base import Solution
from bot.texts import Language


@dataclass(frozen=True, slots=True)
class Refund:
    tokens: int  # 0: nothing had been charged
    balance: int  # after the refund


@dataclass(frozen=True, slots=True)
class Answered:
    language: Language
    solution: Solution
    balance: int
    downscaled_photo: bool = False  # a photo Telegram scaled down: its pixels are not the screen's
    again: bool = False  # asked again with /solve: the earlier answer, not charged again


@dataclass(frozen=True, slots=True)
class NotAnswered:
    language: Language
    code: ErrorCode
    refund: Refund | None = None  # when tokens had been reserved
    price: int = 0  # for NOT_ENOUGH_TOKENS: the price and the balance that fell short
    balance: int = 0
    admins: tuple[str, ...] = ()  # whom to ask for tokens, or for access
    size_mb: float = 0.0  # for TOO_BIG
    limit: int = 0  # for TOO_MANY_PHOTOS: photos per minute, and the seconds until the next one is taken
    wait: int = 0


Notice = Answered | NotAnswered
Render = Callable[[Notice], str]
"""Words a notice in its member's language (pure: it runs inside the transaction that writes the message)."""
