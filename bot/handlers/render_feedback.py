"""Rendering what a ✅/❌ press did (the toast) and the reported accuracy in /stats and /usage."""

from __future__ import annotations

from bot.services.feedback import BACKENDS, Accuracy, PressResult
from bot.services.reports import PERIODS
from bot.texts import Texts


def toast_text(t: Texts, result: PressResult, *, minutes: int, refunds_per_day: int) -> str:
    """One line: what became of the press, and what it did to the tokens."""
    mark = t.report_marks[result.verdict] if result.verdict is not None else "—"
    parts = [t.report_said[result.said].format(mark=mark, minutes=minutes)]
    if result.refunded:
        parts.append(t.report_refunded.format(tokens=result.refunded, balance=result.balance))
    if result.taken_back:
        parts.append(t.report_taken_back.format(tokens=result.taken_back, balance=result.balance))
    if result.capped:
        parts.append(t.report_capped.format(limit=refunds_per_day))
    if result.refunded_before:
        parts.append(t.report_refunded_before)
    return " ".join(parts)


def accuracy_lines(t: Texts, accuracy: dict[str, dict[str, Accuracy]], *, used_only: bool = False) -> list[str]:
    """Per backend and period; `used_only` leaves out the backends that never answered (for /usage)."""
    backends = [b for b in BACKENDS if not used_only or accuracy["all"][b].answers]
    if not backends:
        return []
    lines = [t.accuracy_title]
    for backend in backends:
        for period in PERIODS:
            counts = accuracy[period][backend]
            share = "—" if counts.share_right is None else f"{counts.share_right:.1%}"
            lines.append(
                t.accuracy_line.format(
                    backend=t.backends[backend],
                    period=t.periods[period],
                    answers=counts.answers,
                    reported=counts.reported,
                    right=counts.right,
                    wrong=counts.wrong,
                    share=share.replace(".", t.decimal_separator),
                )
            )
    return lines
