"""`auto`: answer locally when the local solver is sure, otherwise pay the provider."""

from __future__ import annotations

import logging

from bot.solver.base import JobCreated, NoPuzzleFound, ResumableSolver, Solution, Solver

log = logging.getLogger(__name__)


class AutoSolver:
    name = "auto"

    def __init__(self, local: Solver, provider: ResumableSolver, *, min_confidence: float) -> None:
        self._local = local
        self._provider = provider
        self._min_confidence = min_confidence

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        try:
            local = await self._local.solve(image)
        except NoPuzzleFound as exc:
            log.info("local solver found no puzzle (%s); asking %s", exc, self._provider.name)
        else:
            if (local.confidence or 0.0) >= self._min_confidence:
                return local
            log.info(
                "local answer %s px has confidence %.2f; asking %s",
                local.offset,
                local.confidence or 0.0,
                self._provider.name,
            )
        return await self._provider.solve(image, on_job_created=on_job_created)

    async def resume(self, job_id: str) -> Solution:
        return await self._provider.resume(job_id)
