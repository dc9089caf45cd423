"""The seam witness: the piece's rim goes on in the picture just outside its gap, and nowhere else as well."""

from __future__ import annotations

import numpy as np

from bot.solver.local.edges import FloatArray
from bot.solver.local.scan import Placement
from bot.solver.local.seam import FITS, NEUTRAL, seam_mismatch
from tests.solver.drawn import GAP, PIECE, SHAPE, SIZE


def puzzle(background: FloatArray, gap_at: float = GAP.x) -> FloatArray:
    """The body of the piece laid at PIECE carrying the background at `gap_at`, and the gap there opaque."""
    pixels = background.copy()
    x, y, gx, side = int(PIECE.x), int(PIECE.y), int(gap_at), int(SIZE)
    pixels[y : y + side, x : x + side] = background[y : y + side, gx : gx + side]
    pixels[y : y + side, gx : gx + side] = 235.0
    return pixels


def sunset(height: int = 200, width: int = 400) -> FloatArray:
    """A smooth gradient across and down, as skies and studio backdrops are: no texture for the content to match."""
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32)
    red, green, blue = 40 + 0.5 * columns, 30 + 0.8 * rows, 200 - 0.3 * columns - 0.2 * rows
    return np.stack((red, green, blue), axis=-1)


def test_a_piece_cut_from_a_gradient_fits_its_gap_and_nowhere_else() -> None:
    mismatch = seam_mismatch(puzzle(sunset()), SHAPE, PIECE, GAP)
    assert mismatch < 0.3 < FITS


def test_a_gap_the_piece_was_not_cut_from_does_not_fit() -> None:
    # The piece carries the background 100 px left of where the reading puts the gap.
    mismatch = seam_mismatch(puzzle(sunset(), gap_at=GAP.x - 100), SHAPE, PIECE, GAP)
    assert mismatch > 1.0


def test_a_flat_background_fits_everywhere_alike_and_says_nothing() -> None:
    flat = np.full((200, 400, 3), 170.0, dtype=np.float32)
    flat += np.random.default_rng(3).normal(0, 2, flat.shape).astype(np.float32)
    assert seam_mismatch(puzzle(flat), SHAPE, PIECE, GAP) > FITS


def test_a_gap_without_room_for_other_places_is_neutral() -> None:
    # A puzzle cropped just after its gap: the gap is the only place along the rows right of the piece.
    narrow = sunset(width=110)
    assert seam_mismatch(narrow, SHAPE, PIECE, Placement(60.0, 70.0, 1.0, 0.0)) == NEUTRAL
