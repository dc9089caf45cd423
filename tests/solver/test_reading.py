"""Reading a puzzle at its normal scale: how clear a reading's start was among the candidates found alike."""

from __future__ import annotations

import numpy as np
from PIL import Image

from bot.solver.local.reading import read_puzzle
from bot.solver.local.shape import Knob, PieceShape
from tests.solver.drawn import GAP, PIECE, SIZE, flat, outline, shaded, traced


def test_a_knob_found_as_a_square_of_its_own_is_no_rival_of_its_gap() -> None:
    # A darkened gap that does not glow, and its piece traced by a thin line, as another captcha draws them: the
    # gap's knobs are squares with edges at their corners too, and used to count as rivals of the gap itself.
    shape = PieceShape(SIZE, ("knob", "knob", "socket", "knob"), (Knob(0.2 * SIZE, 0.1 * SIZE),) * 4)
    pixels = traced(shaded(flat(), outline(shape, GAP)), outline(shape, PIECE))
    readings = read_puzzle(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    from_the_gap = [reading for reading in readings if not reading.evidence.piece_first]
    assert abs(from_the_gap[0].offset - (GAP.x - PIECE.x)) <= 1
    assert from_the_gap[0].evidence.gap_rival < 0.5
