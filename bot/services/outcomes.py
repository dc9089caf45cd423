"""What the service hands to the chat layer: admissions of new images and outcomes of solves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.db.models import RequestStatus, SolveRequest
from bot.db.users import Profile
from bot.solver.base import Solution
from bot.texts import Language


@dataclass(frozen=True, slots=True)
class ImageMessage:
    """A Telegram message that holds a puzzle image."""

    chat_id: int
    message_id: int
    profile: Profile
    language: Language
    file_id: str | None = None
    downscaled_photo: bool = False  # a photo Telegram scaled down to 1280 px: its pixels are not the screen's


class Verdict(Enum):
    ACCEPTED = "accepted"  # charged; the solve starts
    NOT_ENOUGH_TOKENS = "not_enough_tokens"
    ALREADY_SOLVED = "already_solved"  # the same message again: nothing charged
    IN_PROGRESS = "in_progress"  # the same message while it is being solved (a redelivery)


@dataclass(frozen=True, slots=True)
class Admission:
    verdict: Verdict
    balance: int
    price: int
    request_id: int | None = None
    answer: Solution | None = None  # for ALREADY_SOLVED


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished request, ready to be told to its chat."""

    request_id: int
    chat_id: int
    message_id: int
    status_message_id: int | None
    language: Language
    balance: int
    solution: Solution | None = None
    error_code: str | None = None  # a SolverError code, "internal", or "restarted"
    refunded: int = 0
    image: bytes | None = None  # the user's image, when still in memory (for the annotated answer)
    downscaled_photo: bool = False


class Deliver(Protocol):
    """Tells the chat about an outcome (implemented by the Telegram layer)."""

    async def __call__(self, outcome: Outcome) -> None: ...


def stored_solution(request: SolveRequest) -> Solution | None:
    """The answer a closed request keeps, as the solver gave it (without the boxes, which are not stored)."""
    if request.status != RequestStatus.SUCCEEDED or request.answer is None:
        return None
    return Solution(
        offset=request.answer,
        raw_answer=request.raw_answer or str(request.answer),
        backend=request.solver or "",
        job_id=request.provider_job_id,
        confidence=request.confidence,
        puzzle_width=request.puzzle_width,
    )
