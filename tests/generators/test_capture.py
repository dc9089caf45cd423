"""The capture generator's own truth: the boxes it reports hold the puzzle it drew, at the scale it says."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from bot.solver.base import Box
from tests.generators.bitmap import PuzzleBitmap
from tests.generators.capture import CONTEXTS, TELEGRAM_LONG_SIDE, Capture, Context, generate_capture
from tests.generators.independent import independent_bitmap
from tests.generators.puzzle import generate_puzzle, puzzle_bitmap

SEEDS = range(3)


def recorded(
    draw: Callable[[random.Random], PuzzleBitmap],
) -> tuple[Callable[[random.Random], PuzzleBitmap], list[PuzzleBitmap]]:
    """`draw`, remembering what it drew, so that a test can compare the picture with the bitmap behind it."""
    drawn: list[PuzzleBitmap] = []

    def drawing(rng: random.Random) -> PuzzleBitmap:
        drawn.append(draw(rng))
        return drawn[-1]

    return drawing, drawn


@pytest.fixture(scope="module")
def captures() -> list[tuple[Capture, PuzzleBitmap]]:
    made: list[tuple[Capture, PuzzleBitmap]] = []
    for context in CONTEXTS:
        for seed in SEEDS:
            drawing, drawn = recorded(puzzle_bitmap)
            made.append((generate_capture(seed, context, drawing), drawn[0]))
    return made


def decoded(capture: Capture) -> Image.Image:
    return Image.open(io.BytesIO(capture.image))


def mismatch(picture: Image.Image, bitmap: PuzzleBitmap, box: Box) -> float:
    """Mean absolute difference between `box` of the picture and the bitmap resized to it."""
    cut = picture.crop((box.x, box.y, box.x + box.width, box.y + box.height))
    expected = bitmap.image.convert("RGB").resize(cut.size, Image.Resampling.BILINEAR)
    inner = (slice(4, -4), slice(4, -4))  # rounded corners and the rounded edges are not the bitmap's
    return float(np.abs(np.asarray(cut, np.float32)[inner] - np.asarray(expected, np.float32)[inner]).mean())


def fits(capture: Capture, bitmap: PuzzleBitmap, tolerance: float = 4) -> bool:
    """The puzzle box holds the bitmap, and better than any box a pixel off: no scale or shift went astray."""
    picture = decoded(capture).convert("RGB")
    box = capture.puzzle
    off_by_one = [
        Box(box.x + dx, box.y + dy, box.width + dw, box.height + dh)
        for dx, dy, dw, dh in ((1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0), (0, 0, 2, 0), (0, 0, 0, 2))
    ]
    error = mismatch(picture, bitmap, box)
    return error < tolerance and all(error < mismatch(picture, bitmap, other) + 0.05 for other in off_by_one)


def test_the_puzzle_box_holds_the_bitmap_at_the_reported_scale(captures: list[tuple[Capture, PuzzleBitmap]]) -> None:
    for capture, bitmap in captures:
        assert fits(capture, bitmap), capture.details
        scale = capture.puzzle_width / bitmap.image.width
        assert capture.offset == pytest.approx(bitmap.offset * scale)
        assert abs(capture.puzzle.width - capture.puzzle_width) <= 1
        assert abs(capture.gap.x - capture.piece.x - capture.offset) <= 1.5


def inside(box: Box, outer: Box) -> bool:
    return outer.x <= box.x <= box.x + box.width <= outer.x + outer.width and (
        outer.y <= box.y <= box.y + box.height <= outer.y + outer.height
    )


def test_the_boxes_lie_where_they_should(captures: list[tuple[Capture, PuzzleBitmap]]) -> None:
    for capture, _ in captures:
        picture = Box(0, 0, *decoded(capture).size)
        assert inside(capture.puzzle, picture)  # a crop never cuts into the puzzle
        assert inside(capture.piece, capture.puzzle)
        assert inside(capture.gap, capture.puzzle)
        slider = capture.slider
        if slider is not None:
            assert inside(slider, picture)
            assert abs(slider.x - capture.puzzle.x) <= 1
            assert abs(slider.width - capture.puzzle.width) <= 1
            assert slider.y >= capture.puzzle.y + capture.puzzle.height


def test_sizes_and_encodings_are_those_of_each_context(captures: list[tuple[Capture, PuzzleBitmap]]) -> None:
    for capture, _ in captures:
        image = decoded(capture)
        long_side = max(image.size)
        if capture.telegram_photo:
            assert image.format == "JPEG"
            assert long_side <= TELEGRAM_LONG_SIDE
            assert JpegImagePlugin.get_sampling(image) == 2  # 4:2:0, as Telegram re-encodes photos
        if capture.context == "phone_photo":
            assert capture.telegram_photo
            assert image.size == (image.width, TELEGRAM_LONG_SIDE)
        elif capture.context in ("phone_file", "dark") and not capture.telegram_photo:
            assert 720 <= image.width <= 1505
            assert 1.75 <= image.height / image.width <= 2.31
        elif capture.context == "desktop":
            assert image.width == TELEGRAM_LONG_SIDE if capture.telegram_photo else 1280 <= image.width <= 2880
            assert 0.5 <= image.height / image.width <= 0.63
            assert capture.puzzle_width <= 0.32 * image.width
    assert {capture.context for capture, _ in captures} == set(CONTEXTS)
    assert {capture.details["theme"] for capture, _ in captures if capture.context == "dark"} == {"dark"}


def test_each_seed_gives_the_same_capture() -> None:
    for context in CONTEXTS:
        assert generate_capture(11, context) == generate_capture(11, context)
    assert generate_capture(12) == generate_capture(random.Random(12))


def test_without_a_context_every_context_comes_up() -> None:
    rng = random.Random(5)
    contexts = {rng.choice(CONTEXTS) for _ in range(200)}
    assert contexts == set(CONTEXTS)  # the same draw generate_capture makes first
    assert generate_capture(5).context in CONTEXTS


def test_tight_crops_are_generate_puzzles_pictures() -> None:
    for seed in SEEDS:
        capture, puzzle = generate_capture(seed, "tight_crop"), generate_puzzle(seed)
        assert capture.image == puzzle.image
        assert capture.offset == pytest.approx(puzzle.offset)
        assert (capture.puzzle, capture.slider) == (puzzle.puzzle, puzzle.slider)


@pytest.mark.parametrize("context", CONTEXTS)
def test_any_puzzle_generator_can_be_pictured(context: Context) -> None:
    drawing, drawn = recorded(independent_bitmap)
    capture = generate_capture(3, context, drawing)
    assert fits(capture, drawn[0], tolerance=6)
    assert capture.offset == pytest.approx(drawn[0].offset * capture.puzzle_width / drawn[0].image.width)
