"""`captcha-bot solve` and `captcha-bot balance`: check the solvers and the provider without Telegram."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from bot.cli.output import EXIT_USAGE, fail
from bot.settings import Settings, SolverMode
from bot.solver.base import Solver, SolverError
from bot.solver.factory import open_solvers


async def _solve_file(solver: Solver, path: Path, display_width: int | None) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {"file": str(path), "answer": None, "solver": None}
    try:
        solution = await solver.solve(await asyncio.to_thread(path.read_bytes))
    except OSError as exc:
        result["error"] = f"cannot read: {exc.strerror or exc}"
    except SolverError as exc:
        result["error"] = f"{exc.code}: {exc}"
    else:
        share = solution.share
        result.update(
            answer=solution.offset,  # in pixels of the picture
            puzzle_width=solution.puzzle_width,
            share=None if share is None else round(share, 5),
            drag=round(share * display_width) if share is not None and display_width else None,
            solver=solution.backend,
            confidence=solution.confidence,
        )
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _line(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{result['file']}: error {result['error']}"
    confidence = f", confidence {result['confidence']:.2f}" if result.get("confidence") is not None else ""
    width = f" of {result['puzzle_width']} ({result['share']:.2%})" if result["puzzle_width"] else ""
    drag = f", {result['drag']} px at the display width" if result["drag"] is not None else ""
    details = f"{result['solver']}{confidence}, {result['seconds']:.2f} s"
    return f"{result['file']}: {result['answer']} px{width}{drag} ({details})"


async def solve_files(settings: Settings, mode: SolverMode | None, files: list[Path], as_json: bool) -> int:
    async with AsyncExitStack() as stack:
        try:
            solvers = open_solvers(settings, stack, mode=mode)
        except ValueError as exc:
            return fail(str(exc), EXIT_USAGE)
        results = await asyncio.gather(*(_solve_file(solvers.active, path, settings.puzzle_width) for path in files))
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_line(result) for result in results))
    return 1 if any("error" in result for result in results) else 0


async def provider_balance(settings: Settings) -> int:
    async with AsyncExitStack() as stack:
        provider = open_solvers(settings, stack, mode=SolverMode.LOCAL).provider
        if provider is None:
            return fail("OMOCAPTCHA_API_KEY is not set", EXIT_USAGE)
        try:
            balance = await provider.balance()
        except SolverError as exc:
            return fail(f"OmoCaptcha: {exc.code}: {exc}")
    print(f"OmoCaptcha balance: {balance}")
    return 0
