"""The solver contract: one protocol, one result type, one family of typed errors.

Every backend (OmoCaptcha, local, auto) speaks this contract, so the bot never needs to know
which one answered beyond `Solution.backend`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Protocol, runtime_checkable

from bot.errors import ErrorCode


class Backend(StrEnum):
    """The backends that answer, by the name stored with each request and priced by the settings."""

    LOCAL = "local"
    OMOCAPTCHA = "omocaptcha"


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in pixels of the image as given."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Solution:
    """A solved puzzle: how far to drag the slider, in pixels of the picture as sent, and in its own units."""

    offset: int  # gap x − piece x, in pixels of the picture as sent
    raw_answer: str  # exactly as the backend wrote it, for the audit trail
    backend: str
    job_id: str | None = None
    polls: int = 0  # result polls it took (0 for backends that answer directly)
    confidence: float | None = None  # in [0, 1]; None when the backend gives none
    puzzle_width: int | None = None  # the puzzle image's width in the picture, when it was located
    # Where the backend saw the puzzle, its piece and its gap in the picture, for drawing them (local only).
    puzzle: Box | None = None
    piece: Box | None = None
    gap: Box | None = None

    @property
    def share(self) -> float | None:
        """The offset as a share of the puzzle's width: the same on every screen, whatever its scale."""
        return offset_share(self.offset, self.puzzle_width)


def offset_share(offset: int, puzzle_width: int | None) -> float | None:
    return offset / puzzle_width if puzzle_width else None


# Called with the provider's job id as soon as a job exists, before any polling, so the
# caller can persist it and resume the job after a crash instead of paying for a new one.
JobCreated = Callable[[str], Awaitable[None]]


@runtime_checkable
class JobRecord(Protocol):
    """A JobCreated that also hears, just before a paid job may come into being, that one is being created.

    A caller that records both knows after a crash whether a job may exist at the provider without its id:
    only between the two calls. Paid backends call `creating` when they are handed one."""

    async def creating(self, expected_seconds: float | None) -> None:
        """A job is about to be created; its answer is expected after about `expected_seconds` (None: unknown)."""
        ...

    async def __call__(self, job_id: str) -> None: ...


class SolverError(Exception):
    """Base of every solver failure. `code` is stable, stored in the database and keys the member's text."""

    code: ClassVar[ErrorCode] = ErrorCode.SOLVER_ERROR

    def __init__(self, message: str, *, job_id: str | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id


class InvalidApiKey(SolverError):
    code = ErrorCode.INVALID_KEY


class OutOfFunds(SolverError):
    code = ErrorCode.OUT_OF_FUNDS


class Unsolvable(SolverError):
    """The provider gave up on this image (status `fail`)."""

    code = ErrorCode.UNSOLVABLE


class ProviderUnavailable(SolverError):
    """5xx, 429 or network failures that outlasted the retries."""

    code = ErrorCode.UNAVAILABLE


class SolveTimeout(SolverError):
    code = ErrorCode.TIMEOUT


class ImageRejected(SolverError):
    """The provider refused the image itself (bad format, too large, ...)."""

    code = ErrorCode.IMAGE_REJECTED


class ProtocolError(SolverError):
    """An answer we cannot understand."""

    code = ErrorCode.PROTOCOL


class NoPuzzleFound(SolverError):
    """The local solver could not find a piece and its gap; it does not guess."""

    code = ErrorCode.NO_PUZZLE


@runtime_checkable
class Solver(Protocol):
    name: str

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        """Solve one puzzle image. Cancellable: cancelling stops all further provider calls."""
        ...


@runtime_checkable
class ResumableSolver(Solver, Protocol):
    async def resume(self, job_id: str) -> Solution:
        """Finish a job created earlier (possibly by a previous process) without creating a new one."""
        ...
