"""Building the configured solver, with its HTTP client owned by the caller's exit stack."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from bot.settings import Settings, SolverMode
from bot.solver.auto import AutoSolver
from bot.solver.base import Solver
from bot.solver.cropping import CroppingSolver
from bot.solver.local.solver import LocalSolver
from bot.solver.omocaptcha.poll_planner import PollPlanner
from bot.solver.omocaptcha.solver import OmoCaptchaOptions, OmoCaptchaSolver, open_omocaptcha_client


@dataclass(frozen=True, slots=True)
class Solvers:
    active: Solver  # the one that answers members
    provider: OmoCaptchaSolver | None  # the paid API, when a key is configured: resume, balance


def open_solvers(
    settings: Settings,
    stack: AsyncExitStack,
    *,
    mode: SolverMode | None = None,
) -> Solvers:
    mode = mode or settings.solver_mode
    provider = None
    if settings.omocaptcha_api_key is not None:
        client = open_omocaptcha_client(
            settings.omocaptcha_base_url,
            settings.omocaptcha_request_timeout,
            proxy=settings.proxy,
        )
        stack.push_async_callback(client.aclose)
        options = OmoCaptchaOptions.from_settings(settings)
        provider = OmoCaptchaSolver(
            client,
            settings.omocaptcha_api_key.get_secret_value(),
            options,
            planner=PollPlanner(options.first_poll_delay),
        )
    if mode is SolverMode.LOCAL:
        return Solvers(LocalSolver(), provider)
    if provider is None:
        raise ValueError(f"SOLVER={mode.value} needs OMOCAPTCHA_API_KEY")
    cropping = CroppingSolver(provider)
    if mode is SolverMode.OMOCAPTCHA:
        return Solvers(cropping, provider)
    return Solvers(AutoSolver(LocalSolver(), cropping, min_confidence=settings.local_min_confidence), provider)
