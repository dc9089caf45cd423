"""The solver contract: one protocol, one result type, one family of typed errors.

Every backend (OmoCaptcha, local, auto) speaks this contract, so the bot never needs to know
which one answered beyond `Solution.backend`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable


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


class SolverError(Exception):
    """Base of every solver failure. `code` is stable and stored in the database."""

    code: ClassVar[str] = "solver_error"

    def __init__(self, message: str, *, job_id: str | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id


class InvalidApiKey(SolverError):
    code = "invalid_key"


class OutOfFunds(SolverError):
    code = "out_of_funds"


class Unsolvable(SolverError):
    """The provider gave up on this image (status `fail`)."""

    code = "unsolvable"


class ProviderUnavailable(SolverError):
    """5xx, 429 or network failures that outlasted the retries."""

    code = "unavailable"


class SolveTimeout(SolverError):
    code = "timeout"


class ImageRejected(SolverError):
    """The provider refused the image itself (bad format, too large, ...)."""

    code = "image_rejected"


class ProtocolError(SolverError):
    """An answer we cannot understand."""

    code = "protocol"


class NoPuzzleFound(SolverError):
    """The local solver could not find a piece and its gap; it does not guess."""

    code = "no_puzzle"


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
