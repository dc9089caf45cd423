"""`captcha-bot stats`, `captcha-bot reports export` and `captcha-bot calibrate`: what the ✅/❌ reports say,
from a shell."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from bot.cli.output import EXIT_USAGE, fail
from bot.images.uploads import UnusableImage, inspect_upload
from bot.runtime import open_runtime
from bot.services.calibration import GOAL, Label, calibrate
from bot.services.feedback import ReportedAnswer, Verdict
from bot.services.ports import Refused, TryLater
from bot.settings import Settings
from bot.solver.base import Backend, offset_share

_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "BMP": ".bmp"}


async def print_stats(settings: Settings, as_json: bool) -> int:
    """The figures of /stats: usage and reported accuracy per period (and per backend)."""
    async with open_runtime(settings) as runtime:
        usage = await runtime.reports.usage()
        accuracy = await runtime.feedback.accuracy()
    figures: dict[str, Any] = {
        period: {
            **asdict(stats),
            "success_rate": stats.success_rate,
            "accuracy": {
                backend: {**asdict(counts), "share_right": counts.share_right}
                for backend, counts in accuracy[period].items()
            },
        }
        for period, stats in usage.items()
    }
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    for period, stats in usage.items():
        print(
            f"{period}: {stats.solves} solve(s), {stats.succeeded} succeeded, {stats.failed} failed, "
            f"{stats.refused} refused; {stats.tokens_spent} token(s) spent, {stats.tokens_refunded} refunded"
        )
        for backend, counts in accuracy[period].items():
            share = "—" if counts.share_right is None else f"{counts.share_right:.1%}"
            print(
                f"  {backend}: {counts.answers} answer(s), {counts.reported} reported, {counts.right} right, "
                f"{counts.wrong} wrong; {share} right (n={counts.reported})"
            )
    return 0


def _day_start(day: date, settings: Settings) -> datetime:
    return datetime.combine(day, time(), settings.timezone).astimezone(UTC)


def _suffix(data: bytes) -> str:
    try:
        return _SUFFIXES.get(inspect_upload(data).format, ".img")
    except UnusableImage:
        return ".img"


def _line(answer: ReportedAnswer) -> dict[str, Any]:
    share = offset_share(answer.answer, answer.puzzle_width) if answer.answer is not None else None
    return {
        "request_id": answer.request_id,
        "backend": answer.solver,
        "confidence": answer.confidence,
        "answer": answer.answer,
        "units": "pixels of the picture",
        "puzzle_width": answer.puzzle_width,
        "share": None if share is None else round(share, 5),
        "downscaled_photo": answer.downscaled_photo,
        "report": answer.verdict.value,
        "reported_at": answer.reported_at.isoformat(),
    }


def export_reports(settings: Settings, directory: Path, wrong_only: bool, since: date | None) -> int:
    """Each reported picture downloaded again by its file_id, and a line of reports.jsonl about it."""
    if settings.telegram_bot_token is None:
        return fail("TELEGRAM_BOT_TOKEN is not set: the pictures are downloaded through the Bot API", EXIT_USAGE)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "reports.jsonl").open("w", encoding="utf-8") as lines:
        start = _day_start(since, settings) if since is not None else None
        written, failed = asyncio.run(_export(settings, directory, lines, wrong_only, start))
    print(f"{written} picture(s) and {written + failed} line(s) written to {directory / 'reports.jsonl'}")
    if failed:
        return fail(f"{failed} picture(s) could not be downloaded (see their lines' error)")
    return 0


async def _export(
    settings: Settings, directory: Path, lines: TextIO, wrong_only: bool, since: datetime | None
) -> tuple[int, int]:
    from bot.app import telegram_chat  # telegram is only imported where it is needed

    written = failed = 0
    async with open_runtime(settings) as runtime, telegram_chat(settings) as chat:
        for answer in await runtime.feedback.reported_answers(since=since, wrong_only=wrong_only):
            line = _line(answer)
            try:
                data = await chat.download(answer.file_id or "")
            except (TryLater, Refused) as exc:
                failed += 1
                line["error"] = f"could not download: {exc}"
            else:
                line["file"] = f"{answer.request_id}{_suffix(data)}"
                await asyncio.to_thread((directory / line["file"]).write_bytes, data)
                written += 1
            lines.write(json.dumps(line, ensure_ascii=False) + "\n")
    return written, failed


async def print_calibration(settings: Settings) -> int:
    """From the reports of local answers: share right and share sent to the paid API at a few thresholds."""
    async with open_runtime(settings) as runtime:
        answers = await runtime.feedback.reported_answers()
    labels = [
        Label(answer.confidence, answer.verdict == Verdict.RIGHT)
        for answer in answers
        if answer.solver == Backend.LOCAL and answer.confidence is not None
    ]
    result = calibrate(labels)
    print(f"{result.reports} reported local answer(s); LOCAL_MIN_CONFIDENCE now {settings.local_min_confidence}")
    print(f"{'threshold':>9} {'kept':>6} {'right':>8} {'to paid API':>11}")
    for row in result.rows:
        right = "—" if row.share_right is None else f"{row.share_right:.2%}"
        print(f"{row.threshold:>9.2f} {row.kept:>6} {right:>8} {row.sent_to_paid:>11.1%}{'  ✓' if row.shown else ''}")
    if result.recommended is not None:
        print(f"LOCAL_MIN_CONFIDENCE={result.recommended} keeps delivered local answers ≥ {GOAL:.1%} right")
    elif result.more_needed is not None:
        print(f"too few reports to show ≥ {GOAL:.1%} right at any threshold: {result.more_needed} more needed")
    else:
        print(f"no threshold keeps delivered local answers ≥ {GOAL:.1%} right at the reports' share wrong")
    return 0
