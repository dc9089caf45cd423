"""Reading a puzzle at its normal scale: how clear a reading's start was among the candidates found alike."""

from __future__ import annotations

import numpy as np
from PIL import Image

from bot.solver.local.reading import read_puzzle
from bot.solver.local.scan import Placement
from bot.solver.local.shape import Knob, PieceShape
from tests.solver.drawn import GAP, PIECE, SHAPE, SIZE, flat, outline, shaded, traced


def test_a_knob_found_as_a_square_of_its_own_is_no_rival_of_its_gap() -> None:
    # A darkened gap that does not glow, and its piece traced by a thin line, as another captcha draws them: the
    # gap's knobs are squares with edges at their corners too, and used to count as rivals of the gap itself.
    shape = PieceShape(SIZE, ("knob", "knob", "socket", "knob"), (Knob(0.2 * SIZE, 0.1 * SIZE),) * 4)
    pixels = traced(shaded(flat(), outline(shape, GAP)), outline(shape, PIECE))
    readings = read_puzzle(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    from_the_gap = [reading for reading in readings if not reading.evidence.piece_first]
    assert abs(from_the_gap[0].offset - (GAP.x - PIECE.x)) <= 1
    assert from_the_gap[0].evidence.gap_rival < 0.5


def test_gap_like_shapes_with_no_room_for_a_piece_do_not_keep_the_gap_from_being_read() -> None:
    # Two shapes brighter than the gap at the picture's left edge, as a bright piece is found among the gaps: no
    # piece fits on their left, so they give no reading, and the gap found after them is read in their place.
    pixels = flat()
    for top in (4.0, 140.0):
        pixels = shaded(pixels, outline(SHAPE, Placement(2.0, top, 1.0, 0.0)), factor=1.45)
    pixels = traced(shaded(pixels, outline(SHAPE, GAP), factor=1.25), outline(SHAPE, PIECE))
    readings = read_puzzle(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    from_the_gap = [reading for reading in readings if not reading.evidence.piece_first]
    assert from_the_gap, "no reading started from the gap"
    assert abs(from_the_gap[0].offset - (GAP.x - PIECE.x)) <= 1
    assert from_the_gap[0].evidence.agreeing  # and the reading from the piece's outline has its second witness


def test_a_piece_lit_like_its_gap_but_less_is_no_rival_of_the_gap() -> None:
    # Another captcha lightens its piece as it lightens the gap: the piece is found among the gap-like squares,
    # and counted as the gap's rival it made a reading from the gap look as unsure as one with two gaps.
    piece = outline(SHAPE, PIECE)
    pixels = traced(shaded(shaded(flat(), outline(SHAPE, GAP), factor=1.3), piece, factor=1.2), piece)
    readings = read_puzzle(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    from_the_gap = [reading for reading in readings if not reading.evidence.piece_first]
    assert abs(from_the_gap[0].offset - (GAP.x - PIECE.x)) <= 1
    assert from_the_gap[0].evidence.gap_rival < 0.2
