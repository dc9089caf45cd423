"""The jigsaw outline: a square body whose sides are flat or carry a round knob (out) or socket (in).

The piece and its gap share this outline exactly, so the solver reads it off the gap (whose rim is strong) and
then looks for the same outline on the piece (whose line is thin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import EdgeMaps, FloatArray

Side = Literal["flat", "knob", "socket"]

# Each side as (start corner, direction along the side, outward normal), in body sizes; order top, right,
# bottom, left.
SIDE_FRAMES = (
    ((0.0, 0.0), (1.0, 0.0), (0.0, -1.0)),
    ((1.0, 0.0), (0.0, 1.0), (1.0, 0.0)),
    ((1.0, 1.0), (-1.0, 0.0), (0.0, 1.0)),
    ((0.0, 1.0), (0.0, -1.0), (-1.0, 0.0)),
)
_KNOB_RADII = (0.145, 0.165, 0.185)  # in body sizes; the samples measure about 0.165
# How far a knob's centre stands out from its side, in body sizes: 0 on the samples (a half circle), but other
# puzzles draw a round head on a neck, reaching up to a third of the body out.
_KNOB_LIFTS = (0.0, 0.09)


@dataclass(frozen=True, slots=True)
class Contour:
    """Points along an outline, relative to the body's top-left corner, with |normal| per axis."""

    xs: FloatArray
    ys: FloatArray
    weight_x: FloatArray
    weight_y: FloatArray

    def score(self, maps: EdgeMaps, x: float, y: float) -> float:
        return float(self.scores(maps, np.array([x], dtype=np.float32), y)[0])

    def scores(self, maps: EdgeMaps, xs: FloatArray, y: float) -> FloatArray:
        """Mean edge strength along the outline with its corner at each of `xs` and row `y`."""
        grid_x = xs[:, None] + self.xs[None, :]
        grid_y = np.broadcast_to(self.ys[None, :] + np.float32(y), grid_x.shape)
        strength = maps.sample(grid_x, grid_y, self.weight_x[None, :], self.weight_y[None, :])
        means: FloatArray = strength.mean(axis=1)
        return means

    def where(self, keep: npt.NDArray[np.bool_]) -> Contour:
        return Contour(self.xs[keep], self.ys[keep], self.weight_x[keep], self.weight_y[keep])

    @staticmethod
    def join(parts: list[Contour]) -> Contour:
        return Contour(
            np.concatenate([part.xs for part in parts]),
            np.concatenate([part.ys for part in parts]),
            np.concatenate([part.weight_x for part in parts]),
            np.concatenate([part.weight_y for part in parts]),
        )


@dataclass(frozen=True, slots=True)
class PieceShape:
    size: float  # side of the square body
    sides: tuple[Side, Side, Side, Side]  # top, right, bottom, left
    knob_radius: float
    knob_lift: float = 0.0  # how far the knobs' centres stand out from their sides

    def contour(self, spacing: float) -> Contour:
        parts = [
            _side(self.size, index, kind, self.knob_radius, self.knob_lift, spacing)
            for index, kind in enumerate(self.sides)
        ]
        return Contour.join(parts)

    def extents(self) -> tuple[float, float, float, float]:
        """How far knobs reach beyond the body: left, top, right, bottom."""
        reach = self.knob_radius + self.knob_lift
        top, right, bottom, left = (reach if kind == "knob" else 0.0 for kind in self.sides)
        return left, top, right, bottom


def fit_shape(maps: EdgeMaps, x: float, y: float, size: float) -> PieceShape:
    """Decide each side of the body at (x, y) by which outline the edges follow best there."""
    options: list[tuple[int, Side, float, float]] = []
    parts: list[Contour] = []
    for index in range(4):
        middle = _side(size, index, "flat", 0.0, 0.0, 0.7)
        along = middle.xs + middle.ys  # one of the two is constant along a side
        options.append((index, "flat", 0.0, 0.0))
        parts.append(middle.where(np.abs(along - along.mean()) <= _KNOB_RADII[1] * size))
        for ratio in _KNOB_RADII:
            for lift in _KNOB_LIFTS:
                for kind in ("knob", "socket"):
                    options.append((index, kind, ratio, lift))
                    parts.append(_arc(size, index, kind, ratio * size, lift * size, 0.7))
    # One sampling pass for all options, then a mean per option.
    joined = Contour.join(parts)
    strength = maps.sample(joined.xs + x, joined.ys + y, joined.weight_x, joined.weight_y)
    starts = np.cumsum([0] + [len(part.xs) for part in parts[:-1]])
    means = np.add.reduceat(strength, starts) / np.array([len(part.xs) for part in parts])
    sides: list[Side] = []
    radii: list[float] = []
    lifts: list[float] = []
    for index in range(4):
        mine = [number for number, option in enumerate(options) if option[0] == index]
        _, kind, ratio, lift = options[max(mine, key=lambda number: means[number])]
        sides.append(kind)
        if kind != "flat":
            radii.append(ratio)
            lifts.append(lift)
    radius = float(np.median(radii)) if radii else _KNOB_RADII[1]
    lifted = float(np.median(lifts)) if lifts else 0.0
    return PieceShape(size, (sides[0], sides[1], sides[2], sides[3]), radius * size, lifted * size)


def _side(size: float, index: int, kind: Side, radius: float, lift: float, spacing: float) -> Contour:
    if kind == "flat":
        return _straight(size, index, 0.0, size, spacing)
    middle = size / 2
    foot = radius * math.cos(_below(radius, lift))  # where the round part meets the side, either way of the middle
    return Contour.join(
        [
            _straight(size, index, 0.0, middle - foot, spacing),
            _straight(size, index, middle + foot, size, spacing),
            _arc(size, index, kind, radius, lift, spacing),
        ]
    )


def _straight(size: float, index: int, start: float, stop: float, spacing: float) -> Contour:
    along = np.arange(start, stop + 1e-6, spacing, dtype=np.float32)
    return _place(size, index, along, np.zeros_like(along), np.zeros_like(along), np.ones_like(along))


def _arc(size: float, index: int, kind: Side, radius: float, lift: float, spacing: float) -> Contour:
    """A circle standing `lift` out from the side's midpoint, down to the side: outwards for a knob, inwards for a
    socket. Unlifted, it is a half circle; lifted, more of it shows, as a round head on a short neck."""
    below = _below(radius, lift)
    span = math.pi + 2 * below
    angles = np.linspace(-below, math.pi + below, max(6, math.ceil(span * radius / spacing)), dtype=np.float32)
    outward = 1.0 if kind == "knob" else -1.0
    along = (size / 2 - radius * np.cos(angles)).astype(np.float32)
    across = (outward * (lift + radius * np.sin(angles))).astype(np.float32)
    return _place(size, index, along, across, np.cos(angles), np.sin(angles))


def _below(radius: float, lift: float) -> float:
    """The angle below its centre's level at which a lifted circle meets the side (0 when not lifted)."""
    return math.asin(min(lift / radius, 0.95)) if radius > 0 else 0.0


def _place(
    size: float,
    index: int,
    along: FloatArray,
    across: FloatArray,
    normal_along: FloatArray,
    normal_across: FloatArray,
) -> Contour:
    """From a side's own frame (along it, outwards from it) to body coordinates."""
    (corner_x, corner_y), (tx, ty), (nx, ny) = SIDE_FRAMES[index]
    xs = corner_x * size + along * tx + across * nx
    ys = corner_y * size + along * ty + across * ny
    weight_x = np.abs(normal_along * tx + normal_across * nx)
    weight_y = np.abs(normal_along * ty + normal_across * ny)
    return Contour(
        xs.astype(np.float32), ys.astype(np.float32), weight_x.astype(np.float32), weight_y.astype(np.float32)
    )
