"""The gap's shading witness: the colours change across the gap's whole outline, and nowhere else along its rows."""

from __future__ import annotations

import numpy as np

from bot.solver.local.scan import Placement
from bot.solver.local.shading import NO_LEAD, shading_lead, shading_profile
from bot.solver.local.shape import Knob, PieceShape
from tests.solver.drawn import GAP, PIECE, SHAPE, SIZE, flat, outline, shaded


def test_a_gap_darkened_on_a_flat_background_stands_out() -> None:
    # Neither the piece's rim nor its middle can tell this gap from any other place; its shading can.
    assert shading_lead(shaded(flat(), outline(SHAPE, GAP)), SHAPE, PIECE, GAP) > 5


def test_a_gap_lightened_stands_out_as_well() -> None:
    pixels = flat(90.0)
    within = outline(SHAPE, GAP)
    pixels[within] += 0.5 * (255 - pixels[within])
    assert shading_lead(pixels, SHAPE, PIECE, GAP) > 5


def test_a_flat_background_without_a_gap_says_nothing() -> None:
    assert 0.5 < shading_lead(flat(), SHAPE, PIECE, GAP) < 1.5


def test_a_square_without_the_knob_and_socket_is_not_the_gap() -> None:
    # A background shape's edges that follow the body's sides but not its knob and socket.
    square = PieceShape(SIZE, ("flat", "flat", "flat", "flat"), (Knob(0.165 * SIZE),) * 4)
    assert shading_lead(shaded(flat(), outline(square, GAP)), SHAPE, PIECE, GAP) < 1.5


def test_the_true_gap_leads_over_a_brighter_edge_elsewhere() -> None:
    # A strong straight edge across the rows further right changes the colours along one side only.
    pixels = shaded(flat(), outline(SHAPE, GAP))
    pixels[:, 340:] = 40.0
    assert shading_lead(pixels, SHAPE, PIECE, GAP) > 5
    assert shading_lead(pixels, SHAPE, PIECE, Placement(340.0 - SIZE, GAP.y, 1.0, 0.0)) < 1


def test_a_gap_without_room_for_other_places_is_neutral() -> None:
    narrow = flat()[:, :110]
    assert shading_lead(narrow, SHAPE, PIECE, Placement(60.0, 70.0, 1.0, 0.0)) == NO_LEAD


def test_the_gap_is_found_where_the_colours_change_all_along_the_outline() -> None:
    # A strong edge further right follows one side of the outline; the gap's shading follows all of it.
    pixels = shaded(flat(), outline(SHAPE, GAP), factor=0.85)
    pixels[:, 340:] = 40.0
    best = shading_profile(pixels, SHAPE, PIECE, GAP.y).best()
    assert best is not None
    x, rival = best
    assert abs(x - GAP.x) <= 1
    assert rival < 0.3


def test_a_flat_background_has_no_place_to_find() -> None:
    assert shading_profile(np.full((200, 400, 3), 170.0, dtype=np.float32), SHAPE, PIECE, GAP.y).best() is None
