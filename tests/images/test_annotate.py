"""The annotated answer picture."""

from __future__ import annotations

import io

from PIL import Image

from bot.images.annotate import GAP_COLOUR, PIECE_COLOUR, render_answer_picture
from bot.solver.base import Box
from tests.e2e.images import sample_screenshot


def test_the_picture_outlines_piece_and_gap_on_the_members_screenshot() -> None:
    piece, gap = Box(20, 110, 48, 52), Box(297, 109, 46, 52)
    picture = Image.open(io.BytesIO(render_answer_picture(sample_screenshot(), 277, piece, gap))).convert("RGB")
    assert picture.size == (844, 610)  # a small screenshot is doubled to stay legible
    assert picture.getpixel((piece.x * 2 + 1, (piece.y + 20) * 2)) == PIECE_COLOUR
    assert picture.getpixel((gap.x * 2 + 1, (gap.y + 20) * 2)) == GAP_COLOUR


def test_large_screenshots_keep_their_size() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 500), (200, 230, 210)).save(buffer, "JPEG")
    picture = render_answer_picture(buffer.getvalue(), 300, Box(30, 200, 80, 80), Box(330, 200, 80, 80))
    assert Image.open(io.BytesIO(picture)).size == (900, 500)
