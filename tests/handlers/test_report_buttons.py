"""The ✅/❌ keyboard: one row per answer a message carries, and callback data within Telegram's 64 bytes."""

from __future__ import annotations

from bot.handlers.report_buttons import ButtonPress, Press, ReportButtons, callback_data, parse_press, requests_in
from bot.services.feedback import Verdict
from bot.texts import EN, VI


def rows(buttons: ReportButtons, reports: tuple[int, ...], marks: dict[int, Verdict | None] | None = None) -> object:
    markup = buttons.markup(reports, marks)
    assert markup is not None
    return [[(button.text, button.callback_data) for button in row] for row in markup.inline_keyboard]


def test_a_message_carrying_several_answers_has_a_numbered_row_for_each() -> None:
    buttons = ReportButtons(EN)
    assert buttons.markup(()) is None
    assert rows(buttons, (41, 42), {41: Verdict.WRONG}) == [
        [("1. ❌ Wrong", "rp:41:c")],
        [("2. ✅ It worked", "rp:42:r"), ("2. ❌ Wrong", "rp:42:w")],
    ]
    markup = buttons.markup((41, 42))
    assert requests_in(markup) == [41, 42]
    assert rows(ReportButtons(VI), (7,)) == [[("✅ Kéo được", "rp:7:r"), ("❌ Sai", "rp:7:w")]]


def test_callback_data_fits_telegram_and_anything_else_is_not_ours() -> None:
    biggest = callback_data(2**63 - 1, Press.CHANGE)
    assert len(biggest.encode()) <= 64
    assert parse_press(biggest) == ButtonPress(2**63 - 1, Press.CHANGE)
    for data in (None, "", "rp:12", "rp:x:r", "rp:12:z", "xx:12:r", "rp:-1:w"):
        assert parse_press(data) is None
