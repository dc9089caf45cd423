"""The independent generator: same seed, same puzzle; its truth agrees with its own pixels; sizes stay in range."""

from __future__ import annotations

import functools
import io
import json
import math
import random
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageFilter

from bot.solver.base import Box
from tests.generators.independent import Drawing, draw_independent, generate_independent, independent_bitmap, main
from tests.generators.independent_cutout import ZONE
from tests.generators.independent_shape import SUPERSAMPLE, Crop, coverage

SEEDS = range(24)


@functools.cache
def _drawing(seed: int) -> Drawing:
    return draw_independent(random.Random(seed))


def _mask(drawing: Drawing, x: float) -> tuple[Crop, npt.NDArray[np.float32]]:
    """The piece's coverage with its body corner at (x, drawing.y), on a window just around it."""
    box = drawing.box(x)
    # A pixel of margin: the rasteriser fills the outline's last sample row and column too.
    x0, y0 = max(0, box.x - 1), max(0, box.y - 1)
    crop = Crop(x0, y0, box.x + box.width + 1 - x0, box.y + box.height + 1 - y0)
    return crop, coverage(drawing.jigsaw, x, drawing.y, crop)


def _window(picture: npt.NDArray[np.float32], crop: Crop) -> npt.NDArray[np.float32]:
    return picture[crop.y : crop.y + crop.height, crop.x : crop.x + crop.width]


def _inside(outer: Box, inner: Box) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


def test_a_seed_always_gives_the_same_puzzle() -> None:
    for seed in (0, 7, 123):
        assert generate_independent(seed) == generate_independent(random.Random(seed))
        first, again = independent_bitmap(random.Random(seed)), independent_bitmap(random.Random(seed))
        assert first.image.tobytes() == again.image.tobytes()
        assert (first.offset, first.piece, first.gap) == (again.offset, again.piece, again.gap)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_piece_carries_the_background_of_the_gap(seed: int) -> None:
    drawing = _drawing(seed)
    whole, frac = math.floor(drawing.offset), drawing.offset - math.floor(drawing.offset)
    background = drawing.background
    # The background `offset` pixels to the right, interpolated: what the piece cut out of the gap.
    carried = (1 - frac) * np.roll(background, -whole, axis=1) + frac * np.roll(background, -whole - 1, axis=1)
    crop, piece = _mask(drawing, drawing.piece_x)
    reach = math.ceil(ZONE) + 2
    padded = np.pad((piece * 255).astype(np.uint8), reach)  # the filter would repeat a full edge pixel outwards
    core = np.asarray(Image.fromarray(padded).filter(ImageFilter.MinFilter(2 * reach + 1)))
    deep = core[reach:-reach, reach:-reach] == 255
    assert deep.sum() > 20
    image = np.asarray(drawing.image, dtype=np.float32)
    assert np.abs(_window(image, crop)[deep] - _window(carried, crop)[deep]).max() <= 1.0

    crop, gap = _mask(drawing, drawing.gap_x)
    change = np.abs(_window(image, crop) - _window(background, crop)).mean(axis=-1)
    assert (change * gap).sum() / gap.sum() > 15  # the gap is visibly shaded


@pytest.mark.parametrize("seed", SEEDS)
def test_the_offset_is_the_distance_between_the_two_outlines(seed: int) -> None:
    drawing = _drawing(seed)
    for value in (drawing.piece_x, drawing.gap_x, drawing.y):
        assert (value * SUPERSAMPLE).is_integer()  # the grid on which a moved mask is an exact copy
    centres = []
    for x in (drawing.piece_x, drawing.gap_x):
        crop, mask = _mask(drawing, x)
        centres.append(crop.x + float((mask * np.arange(crop.width)).sum() / mask.sum()))
    assert centres[1] - centres[0] == pytest.approx(drawing.offset, abs=0.02)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_bitmap_has_the_shape_of_a_bytrade_puzzle(seed: int) -> None:
    bitmap = independent_bitmap(random.Random(seed))
    width, height = bitmap.image.size
    assert 300 <= width <= 700
    assert 0.44 <= height / width <= 0.61
    frame = Box(x=0, y=0, width=width, height=height)
    assert _inside(frame, bitmap.piece)
    assert _inside(frame, bitmap.gap)
    assert bitmap.piece.x <= 0.12 * width
    assert bitmap.gap.x >= 0.45 * width - 1
    assert abs(bitmap.piece.y - bitmap.gap.y) <= 1
    assert abs(bitmap.piece.width - bitmap.gap.width) <= 1
    assert bitmap.offset == pytest.approx(bitmap.gap.x - bitmap.piece.x, abs=1)
    assert 0.09 * width <= bitmap.piece.height <= 0.16 * width * 1.8


def test_pictures_carry_the_truth_through_crop_rescale_and_encoding() -> None:
    formats, framed, rescaled = set(), 0, 0
    for seed in SEEDS:
        puzzle = generate_independent(seed)
        picture = Image.open(io.BytesIO(puzzle.image))
        formats.add(picture.format)
        image = Box(x=0, y=0, width=picture.width, height=picture.height)
        assert _inside(image, puzzle.puzzle)
        assert _inside(puzzle.puzzle, puzzle.piece)
        assert _inside(puzzle.puzzle, puzzle.gap)
        assert abs(puzzle.puzzle.width - puzzle.puzzle_width) <= 1
        # The boxes' left edges are whole pixels: a pixel of rounding each side, times a rescale of at most 1.6.
        assert puzzle.offset == pytest.approx(puzzle.gap.x - puzzle.piece.x, abs=2 * 1.6)
        framed += picture.height > puzzle.puzzle.height + 20
        rescaled += not 300 <= puzzle.puzzle_width <= 700 or not puzzle.puzzle_width.is_integer()
    assert formats == {"PNG", "JPEG"}
    assert 4 <= framed <= 20
    assert 4 <= rescaled <= 20


def test_the_command_writes_pictures_and_their_truth(tmp_path: Path) -> None:
    main([str(tmp_path), "--count", "2", "--seed", "5"])
    truths = sorted(tmp_path.glob("*.json"))
    assert len(truths) == 2
    truth = json.loads(truths[0].read_text())
    expected = generate_independent(5)
    assert (tmp_path / truth["image"]).read_bytes() == expected.image
    assert truth["offset"] == expected.offset
    assert truth["gap"] == {
        "x": expected.gap.x,
        "y": expected.gap.y,
        "width": expected.gap.width,
        "height": expected.gap.height,
    }
