"""Points along a piece's outline with their outward normals, and the picture's colours near them.

Both witnesses that look at the outline's surroundings use these: the seam (seam.py) compares the piece's inner
ring with the ring around its gap, and the gap's shading (shading.py) the ring inside the gap with the ring around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import FloatArray
from bot.solver.local.scan import Placement
from bot.solver.local.shape import SIDE_FRAMES, PieceShape

_POINTS_PER_SIDE = 24
_POINTS_PER_ARC = 12
_CORNER = 0.08  # of the body's side: where the corners' rounding ends on a straight part
_ARC_ENDS = 0.15  # of a half turn, at each end of a knob's or socket's arc: its neck, which puzzles draw differently
_APART = 0.3  # of the body's side: places nearer the gap than this are the gap itself, not other places


@dataclass(frozen=True, slots=True)
class Rim:
    """Points relative to the body's corner, with the outline's outward normal at each."""

    xs: FloatArray
    ys: FloatArray
    normal_x: FloatArray
    normal_y: FloatArray
    parts: npt.NDArray[np.intp]  # which stretch each point is on: a side's straight part, or its knob or socket


def rim_of(shape: PieceShape, *, arcs: bool) -> Rim:
    """Points along the straight parts of the body's sides, clear of the corners and of any knob or socket, and
    with `arcs` along the knobs' and sockets' round parts too."""
    size = shape.size
    points: list[tuple[float, float, float, float, int]] = []
    for side, (kind, knob, ((corner_x, corner_y), (tx, ty), (nx, ny))) in enumerate(
        zip(shape.sides, shape.knobs, SIDE_FRAMES, strict=True)
    ):
        part = 2 * side  # the straight part; 2 * side + 1 is its knob or socket
        centre = knob.along * size
        points.extend(
            (corner_x * size + step * tx, corner_y * size + step * ty, nx, ny, part)
            for step in np.linspace(_CORNER * size, (1 - _CORNER) * size, _POINTS_PER_SIDE)
            if kind == "flat" or abs(step - centre) > knob.radius + _CORNER * size
        )
        if arcs and kind != "flat":
            outward = 1.0 if kind == "knob" else -1.0
            for angle in np.linspace(_ARC_ENDS * math.pi, (1 - _ARC_ENDS) * math.pi, _POINTS_PER_ARC):
                along = centre - knob.radius * math.cos(angle)
                across = outward * (knob.lift + knob.radius * math.sin(angle))
                # Away from the piece: out of a knob's circle, into a socket's.
                normal_along, normal_across = -outward * math.cos(angle), math.sin(angle)
                points.append(
                    (
                        corner_x * size + along * tx + across * nx,
                        corner_y * size + along * ty + across * ny,
                        normal_along * tx + normal_across * nx,
                        normal_along * ty + normal_across * ny,
                        part + 1,
                    )
                )
    table = np.array(points, dtype=np.float32).T
    return Rim(table[0], table[1], table[2], table[3], table[4].astype(np.intp))


def colours_at(pixels: FloatArray, xs: FloatArray, ys: FloatArray) -> FloatArray:
    """The nearest pixel's colour at each point; points beyond the border take the border's."""
    height, width = pixels.shape[:2]
    columns = np.clip(np.rint(xs).astype(np.intp), 0, width - 1)
    rows = np.clip(np.rint(ys).astype(np.intp), 0, height - 1)
    sampled: FloatArray = pixels[rows, columns]
    return sampled


def places_right_of(piece: Placement, size: float, width: int) -> FloatArray:
    """Every whole-pixel x along the rows where a gap could be: right of the piece, with room for a body."""
    return np.arange(round(piece.x + 0.8 * size), round(width - size), dtype=np.float32)


def others_than(places: FloatArray, gap_x: float, size: float) -> tuple[int, npt.NDArray[np.bool_]]:
    """The gap's index among `places`, and which places are far enough from it to be other places."""
    at = round(gap_x - float(places[0])) if len(places) else 0
    return at, np.abs(np.arange(len(places)) - at) > _APART * size
