"""The content witness: the piece's middle is the picture cut out of the gap, and is looked for there."""

from __future__ import annotations

import numpy as np

from bot.solver.local.content import match_content
from bot.solver.local.edges import FloatArray
from bot.solver.local.scan import Placement

SIZE = 48.0  # the body's side at the normal scale
PIECE = Placement(12.0, 70.0, 1.0, 0.0)
GAP = Placement(260.0, 70.0, 1.0, 0.0)


def puzzle(background: FloatArray, shade_gap: bool = True) -> FloatArray:
    """The piece laid at PIECE carrying the background at GAP, and the gap shaded as tinted glass with a glow."""
    pixels = background.copy()
    x, y, gx, side = int(PIECE.x), int(PIECE.y), int(GAP.x), int(SIZE)
    pixels[y : y + side, x : x + side] = background[y : y + side, gx : gx + side]
    if shade_gap:
        rows, cols = np.mgrid[0:side, 0:side]
        glow = 120 * np.exp(-((rows - side / 2) ** 2 + (cols - side / 2) ** 2) / (0.4 * side) ** 2)
        gap = background[y : y + side, gx : gx + side]
        pixels[y : y + side, gx : gx + side] = 0.35 * gap + 60 + glow[..., None]
    return pixels


def test_texture_seen_through_the_gaps_shading_is_a_witness() -> None:
    texture = np.random.default_rng(1).uniform(0, 255, (200, 400, 1)).repeat(3, axis=-1).astype(np.float32)
    match = match_content(puzzle(texture), SIZE, PIECE, GAP)
    assert match.at_gap > 0.8
    assert match.witness


def test_a_flat_background_under_an_opaque_glow_says_nothing() -> None:
    flat = np.full((200, 400, 3), 170.0, dtype=np.float32)
    opaque = puzzle(flat)
    opaque[int(GAP.y) : int(GAP.y + SIZE), int(GAP.x) : int(GAP.x + SIZE)] = 230.0
    assert not match_content(opaque, SIZE, PIECE, GAP).witness


def test_a_texture_found_as_well_elsewhere_along_the_rows_is_no_witness() -> None:
    # Stripes repeat every 16 px: the piece's middle matches at every period, not only at the gap.
    columns = np.arange(400, dtype=np.float32)
    stripes = np.broadcast_to((128 + 100 * np.sin(2 * np.pi * columns / 16))[None, :, None], (200, 400, 3))
    match = match_content(puzzle(np.ascontiguousarray(stripes), shade_gap=False), SIZE, PIECE, GAP)
    assert match.at_gap > 0.9
    assert not match.witness


def test_a_piece_at_the_pictures_edge_is_no_witness_and_no_error() -> None:
    texture = np.random.default_rng(2).uniform(0, 255, (60, 400, 3)).astype(np.float32)
    assert not match_content(texture, SIZE, Placement(12.0, 40.0, 1.0, 0.0), GAP).witness
