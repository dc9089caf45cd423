"""What a solve costs: reserved up front at the price of the dearest backend the mode may use,
settled at the price of the backend that actually answered."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings, SolverMode
from bot.solver.base import Backend


@dataclass(frozen=True, slots=True)
class Prices:
    by_backend: dict[str, int]
    mode: SolverMode

    @classmethod
    def from_settings(cls, settings: Settings) -> Prices:
        return cls(
            {Backend.LOCAL: settings.tokens_per_local_solve, Backend.OMOCAPTCHA: settings.tokens_per_solve},
            settings.solver_mode,
        )

    @property
    def reserve(self) -> int:
        """Enough for whichever backend ends up answering."""
        match self.mode:
            case SolverMode.LOCAL:
                return self.by_backend[Backend.LOCAL]
            case SolverMode.OMOCAPTCHA:
                return self.by_backend[Backend.OMOCAPTCHA]
            case SolverMode.AUTO:
                return max(self.by_backend.values())

    def of(self, backend: str) -> int:
        return self.by_backend.get(backend, self.reserve)
