"""Reading a gap's outline: which sides carry a knob or a socket, and where along the side it stands."""

from __future__ import annotations

import pytest

from bot.solver.local.edges import step_edges
from bot.solver.local.scan import Placement
from bot.solver.local.shape import Knob, PieceShape, Side, fit_shape
from tests.solver.drawn import SIZE, flat, outline, shaded

GAP = Placement(200.0, 70.0, 1.0, 0.0)


@pytest.mark.parametrize(
    ("sides", "knobs"),
    [
        # Half circles in the middle of their sides, as on the team's captcha.
        (("flat", "knob", "flat", "socket"), (Knob(0.165 * SIZE),) * 4),
        # Round heads on necks, each off the middle its own way, as die-cut puzzles draw them.
        (
            ("knob", "socket", "knob", "flat"),
            (
                Knob(0.15 * SIZE, 0.1 * SIZE, 0.43),
                Knob(0.17 * SIZE, 0.06 * SIZE, 0.57),
                Knob(0.16 * SIZE, 0.14 * SIZE, 0.55),
                Knob(0.0),
            ),
        ),
    ],
)
def test_each_side_is_read_with_its_knob_where_it_stands(
    sides: tuple[Side, Side, Side, Side], knobs: tuple[Knob, Knob, Knob, Knob]
) -> None:
    truth = PieceShape(SIZE, sides, knobs)
    maps = step_edges(shaded(flat(), outline(truth, GAP)))

    fitted = fit_shape(maps, GAP.x, GAP.y, SIZE)

    assert fitted.sides == sides
    for kind, knob, true_knob in zip(sides, fitted.knobs, knobs, strict=True):
        if kind != "flat":
            assert knob.along == pytest.approx(true_knob.along, abs=0.03)
            assert knob.reach == pytest.approx(true_knob.reach, abs=0.04 * SIZE)
