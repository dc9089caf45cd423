"""How an answer reads: its number, the unit it is in, and the hint for photos Telegram shrank."""

from __future__ import annotations

from bot.handlers.render import AnswerUnits
from bot.solver.base import Box, Solution
from bot.texts import EN, VI

LOCATED = Solution(offset=552, raw_answer="552", backend="omocaptcha", puzzle_width=776, puzzle=Box(40, 30, 776, 404))
WHOLE_PICTURE = Solution(offset=415, raw_answer="415", backend="omocaptcha")


def test_without_a_display_width_the_answer_is_in_picture_pixels_with_its_share_of_the_width() -> None:
    text = AnswerUnits(None).answer_text(EN, LOCATED, balance=3)
    assert text == "➡️ 552 px\n(pixels of your picture; 71.1% of the puzzle's width)\nBalance: 3 token(s)."


def test_with_a_display_width_the_headline_is_the_drag_at_that_width() -> None:
    units = AnswerUnits(388)
    assert units.drag(LOCATED) == 276
    text = units.answer_text(EN, LOCATED, balance=3, downscaled_photo=True)
    assert text.splitlines()[:2] == ["➡️ 276 px", "(at the puzzle's display width of 388 px; 71.1% of its width)"]
    assert EN.photo_hint not in text  # the number does not depend on the photo's scale


def test_a_shrunk_photo_gets_the_hint_to_send_a_file() -> None:
    text = AnswerUnits(None).answer_text(EN, LOCATED, balance=3, downscaled_photo=True)
    assert EN.photo_hint in text


def test_an_answer_whose_puzzle_was_not_located_says_so_even_with_a_display_width() -> None:
    units = AnswerUnits(388)
    assert units.drag(WHOLE_PICTURE) == 415
    assert units.answer_text(EN, WHOLE_PICTURE, balance=0).splitlines()[1] == "(pixels of your picture)"


def test_vietnamese_answers_use_a_decimal_comma() -> None:
    text = AnswerUnits(None).answer_text(VI, LOCATED, balance=3)
    assert "71,1%" in text
    assert text.endswith("Số dư: 3 token.")
