"""The coarse square search that every reading starts from (bot/solver/local/gap.py)."""

from __future__ import annotations

from bot.solver.local.edges import line_edges
from bot.solver.local.gap import find_squares
from bot.solver.local.reading import BODY_SIZES
from bot.solver.local.scan import Placement
from bot.solver.local.shape import Knob, PieceShape
from tests.solver.drawn import flat, outline, traced


def test_the_whole_square_outranks_a_small_one_in_its_corner() -> None:
    # A faint 30 px outline with a bright stroke of the piece's own picture cutting off its top-left corner: the
    # small square there has stronger edges per pixel, but only the whole one has arms as long as a body's.
    square = PieceShape(30.0, ("flat",) * 4, (Knob(0.0),) * 4)
    pixels = traced(flat(), outline(square, Placement(40.0, 60.0, 1.0, 0.0)), level=210.0)
    pixels[73, 40:54] = 245.0
    pixels[60:74, 53] = 245.0

    strongest = find_squares(line_edges(pixels, 1), BODY_SIZES, 3)[0]

    assert (strongest.x, strongest.y) == (40.0, 60.0)
    assert 28 <= strongest.size <= 31
