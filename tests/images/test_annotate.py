"""The annotated answer picture."""

from __future__ import annotations

import io

from PIL import Image

from bot.images.annotate import ARROW_COLOUR, GAP_COLOUR, LARGEST, PIECE_COLOUR, render_answer_picture
from bot.solver.base import Box
from tests.e2e.images import sample_screenshot


def opened(picture: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(picture))
    image.load()
    return image.convert("RGB")


def near(pixel: object, colour: tuple[int, int, int]) -> bool:
    """The colour, give or take the JPEG's rounding."""
    assert isinstance(pixel, tuple)
    return max(abs(int(a) - b) for a, b in zip(pixel, colour, strict=True)) <= 40


def test_the_picture_outlines_piece_and_gap_on_the_members_screenshot() -> None:
    piece, gap = Box(20, 110, 48, 52), Box(297, 109, 46, 52)
    picture = opened(render_answer_picture(sample_screenshot(), "277 px", piece, gap))
    assert picture.size == (844, 610)  # a small screenshot is doubled to stay legible
    assert near(picture.getpixel((piece.x * 2 + 1, (piece.y + 20) * 2)), PIECE_COLOUR)
    assert near(picture.getpixel((gap.x * 2 + 1, (gap.y + 20) * 2)), GAP_COLOUR)


def test_an_arrow_runs_from_the_piece_to_the_gap() -> None:
    piece, gap = Box(20, 110, 48, 52), Box(297, 109, 46, 52)
    picture = opened(render_answer_picture(sample_screenshot(), "277 px", piece, gap))
    rows = [
        [x for x in range(picture.width) if near(picture.getpixel((x, y)), ARROW_COLOUR)] for y in range(picture.height)
    ]
    arrow = max(rows, key=len)  # the longest green run is the arrow, not its label
    assert min(arrow) <= piece.x * 2 + 4
    assert max(arrow) >= gap.x * 2 - 4


def test_large_screenshots_keep_their_size() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 500), (200, 230, 210)).save(buffer, "JPEG")
    picture = render_answer_picture(buffer.getvalue(), "300 px", Box(30, 200, 80, 80), Box(330, 200, 80, 80))
    assert opened(picture).size == (900, 500)


def test_huge_screenshots_are_reduced_to_what_telegram_accepts() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 2400), (200, 230, 210)).save(buffer, "PNG")
    picture = render_answer_picture(buffer.getvalue(), "1500 px", Box(50, 1000, 300, 300), Box(1550, 1000, 300, 300))
    image = opened(picture)
    assert max(image.size) <= LARGEST
    assert sum(image.size) <= 10_000
    assert image.size == (LARGEST, round(2400 * LARGEST / 4000))


def test_the_picture_is_a_jpeg_as_telegram_keeps_photos_and_lighter_than_the_screenshot() -> None:
    buffer = io.BytesIO()
    Image.effect_noise((800, 500), 80).convert("RGB").save(buffer, "PNG")  # noise: a PNG cannot shrink it
    picture = render_answer_picture(buffer.getvalue(), "300 px", Box(30, 200, 80, 80), Box(330, 200, 80, 80))
    assert Image.open(io.BytesIO(picture)).format == "JPEG"
    assert len(picture) < len(buffer.getvalue())


def test_a_puzzle_without_margins_still_gets_its_arrow_and_label() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (388, 202), (166, 240, 192)).save(buffer, "PNG")
    picture = opened(render_answer_picture(buffer.getvalue(), "276 px", Box(2, 90, 53, 112), Box(278, 90, 53, 112)))
    assert picture.size == (776, 404)
    assert any(near(picture.getpixel((x, y)), ARROW_COLOUR) for x in range(0, 776, 2) for y in range(0, 404, 2))
