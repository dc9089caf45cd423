"""The gap's shading witness: the colours change across the gap's whole outline, and nowhere else along its rows."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import FloatArray
from bot.solver.local.scan import Placement
from bot.solver.local.shading import NO_LEAD, shading_lead, shading_profile
from bot.solver.local.shape import SIDE_FRAMES, Knob, PieceShape

SIZE = 48.0  # the body's side at the normal scale
SHAPE = PieceShape(SIZE, ("flat", "knob", "flat", "socket"), (Knob(0.165 * SIZE),) * 4)
PIECE = Placement(12.0, 70.0, 1.0, 0.0)
GAP = Placement(260.0, 70.0, 1.0, 0.0)


def outline(shape: PieceShape, at: Placement, height: int = 200, width: int = 400) -> npt.NDArray[np.bool_]:
    """Which pixels lie within the outline whose body corner is at `at`: the body, its knobs, less its sockets."""
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    x, y = columns - at.x, rows - at.y
    inside: npt.NDArray[np.bool_] = (x >= 0) & (x < shape.size) & (y >= 0) & (y < shape.size)
    for kind, knob, ((corner_x, corner_y), (tx, ty), (nx, ny)) in zip(
        shape.sides, shape.knobs, SIDE_FRAMES, strict=True
    ):
        if kind == "flat":
            continue
        outward = knob.lift if kind == "knob" else -knob.lift
        centre_x = (corner_x + tx * knob.along) * shape.size + nx * outward
        centre_y = (corner_y + ty * knob.along) * shape.size + ny * outward
        circle = (x - centre_x) ** 2 + (y - centre_y) ** 2 < knob.radius**2
        inside = inside | circle if kind == "knob" else inside & ~circle
    return inside


def flat(level: float = 170.0) -> FloatArray:
    pixels = np.full((200, 400, 3), level, dtype=np.float32)
    pixels += np.random.default_rng(5).normal(0, 2, pixels.shape).astype(np.float32)
    return pixels


def shaded(pixels: FloatArray, within: npt.NDArray[np.bool_], factor: float = 0.6) -> FloatArray:
    out = pixels.copy()
    out[within] *= factor
    return out


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
