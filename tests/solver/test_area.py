"""Locating the puzzle: what counts as its slider bar."""

from __future__ import annotations

import numpy as np
from PIL import Image

from bot.solver.local.area import find_areas
from bot.solver.local.edges import FloatArray


def grainy(rng: np.random.Generator, colour: tuple[int, int, int], height: int, width: int) -> FloatArray:
    """A flat colour with a photo's grain: no row of it is plain."""
    grain = rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    pixels: FloatArray = np.full((height, width, 3), colour, dtype=np.float32) + grain
    return pixels


def test_a_band_within_the_puzzles_picture_is_no_slider_bar_of_a_shape_above_it() -> None:
    # Another author's puzzle on a white card: a grainy picture with a shape in its top left corner and a band
    # just below the shape, as wide as it. Taken for the shape's slider bar, the band made the puzzle around both
    # look like a card that holds a puzzle and its bar, and the shape was located as the puzzle.
    rng = np.random.default_rng(3)
    puzzle = grainy(rng, (200, 190, 150), 220, 400)
    puzzle[10:80, :170] = grainy(rng, (120, 200, 120), 70, 170)
    puzzle[86:112, :170] = grainy(rng, (150, 150, 200), 26, 170)
    card = np.full((300, 480, 3), 255.0)
    card[30:250, 40:440] = puzzle

    areas = find_areas(Image.fromarray(np.clip(card, 0, 255).astype(np.uint8)))

    best = areas[0].puzzle
    found = np.array((best.left, best.top, best.right, best.bottom))
    assert np.abs(found - (40, 30, 439, 249)).max() <= 2  # the whole puzzle, where the card was pasted
    assert all(area.slider is None for area in areas)
