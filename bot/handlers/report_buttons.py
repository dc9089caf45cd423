"""The ✅/❌ buttons under answers, and their callback data.

Callback data is `rp:<request id>:<r|w|c>` (right, wrong, change: the mark left by a report, pressed to choose
again), at most 24 bytes of Telegram's 64. A message carrying several answers has one row per request, in the
order of `OutgoingMessage.reports`, each labelled with its number. The labels are in the bot's default language:
everyone in a chat sees the same keyboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.feedback import Verdict
from bot.texts import Texts

PREFIX = "rp"
PATTERN = rf"^{PREFIX}:\d+:[rwc]$"  # for the CallbackQueryHandler


class Press(StrEnum):
    RIGHT = "r"
    WRONG = "w"
    CHANGE = "c"  # the mark of a report: show the two buttons again


VERDICT_OF = {Press.RIGHT: Verdict.RIGHT, Press.WRONG: Verdict.WRONG}


@dataclass(frozen=True, slots=True)
class ButtonPress:
    request_id: int
    press: Press


def callback_data(request_id: int, press: Press) -> str:
    return f"{PREFIX}:{request_id}:{press.value}"


def parse_press(data: str | None) -> ButtonPress | None:
    """The press a button's data says; None for data that is not ours (or was tampered with)."""
    prefix, _, rest = (data or "").partition(":")
    request, _, press = rest.partition(":")
    if prefix != PREFIX or not request.isdigit() or press not in {p.value for p in Press}:
        return None
    return ButtonPress(int(request), Press(press))


def requests_in(markup: InlineKeyboardMarkup | None) -> list[int]:
    """The requests a keyboard reports on, in the order of its rows."""
    found: list[int] = []
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            press = parse_press(button.callback_data if isinstance(button.callback_data, str) else None)
            if press is not None and press.request_id not in found:
                found.append(press.request_id)
    return found


@dataclass(frozen=True, slots=True)
class ReportButtons:
    t: Texts  # in the bot's default language

    def markup(
        self, reports: Sequence[int], marks: Mapping[int, Verdict | None] | None = None
    ) -> InlineKeyboardMarkup | None:
        """A row per request: ✅ and ❌, or the one-word mark of its report; None without requests."""
        if not reports:
            return None
        marks = marks or {}
        rows = []
        for number, request_id in enumerate(reports, start=1):
            label = f"{number}. " if len(reports) > 1 else ""
            verdict = marks.get(request_id)
            choices: tuple[tuple[str, Press], ...]
            if verdict is None:
                choices = ((self.t.report_right, Press.RIGHT), (self.t.report_wrong, Press.WRONG))
            else:
                choices = ((self.t.report_marks[verdict], Press.CHANGE),)
            rows.append(
                [
                    InlineKeyboardButton(label + text, callback_data=callback_data(request_id, press))
                    for text, press in choices
                ]
            )
        return InlineKeyboardMarkup(rows)
