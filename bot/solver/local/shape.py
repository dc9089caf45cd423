"""The jigsaw outline: a square body whose sides are flat or carry a round knob (out) or socket (in).

The piece and its gap share this outline exactly, so the solver reads it off the gap (whose rim is strong) and
then looks for the same outline on the piece (whose line is thin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import product
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
_TYPICAL_RADIUS = 0.165  # of a knob, in body sizes: what the samples measure
_KNOB_RADII = (0.125, 0.145, _TYPICAL_RADIUS, 0.185, 0.205)
# How far a knob's centre stands out from its side, in body sizes: 0 on the samples (a half circle), but other
# puzzles draw a round head on a neck, reaching up to a third of the body out.
_KNOB_LIFTS = (0.0, 0.05, 0.09, 0.13, 0.17)
# Where along its side a knob's centre is, as a share of the side: the middle on the samples, but a die-cut
# puzzle's knobs stand a little off it, each its own way.
_KNOB_ALONG = tuple(0.4 + 0.025 * step for step in range(9))
_OPTION_SPACING = 0.025  # of the body's side, between the points of an option's outline: about a pixel


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
class Knob:
    """The round part of a side that carries a knob or a socket, in pixels."""

    radius: float
    lift: float = 0.0  # how far its centre stands out from the side (into the body, for a socket)
    along: float = 0.5  # where its centre is along the side, as a share of the side

    @property
    def reach(self) -> float:
        return self.radius + self.lift


@dataclass(frozen=True, slots=True)
class PieceShape:
    size: float  # side of the square body
    sides: tuple[Side, Side, Side, Side]  # top, right, bottom, left
    knobs: tuple[Knob, Knob, Knob, Knob]  # each side's round part; a flat side's is not drawn

    def contour(self, spacing: float) -> Contour:
        parts = [
            _side(self.size, index, kind, knob, spacing)
            for index, (kind, knob) in enumerate(zip(self.sides, self.knobs, strict=True))
        ]
        return Contour.join(parts)

    def extents(self) -> tuple[float, float, float, float]:
        """How far knobs reach beyond the body: left, top, right, bottom."""
        top, right, bottom, left = (
            knob.reach if kind == "knob" else 0.0 for kind, knob in zip(self.sides, self.knobs, strict=True)
        )
        return left, top, right, bottom


def fit_shape(maps: EdgeMaps, x: float, y: float, size: float) -> PieceShape:
    """Decide each side of the body at (x, y) by which outline the edges follow best there."""
    options = _side_options()
    contour = options.contour
    strength = maps.sample(contour.xs * size + x, contour.ys * size + y, contour.weight_x, contour.weight_y)
    means = np.add.reduceat(strength, options.starts) / options.counts
    sides: list[Side] = []
    knobs: list[Knob] = []
    for index in range(4):
        best = options.first[index] + int(np.argmax(means[options.first[index] : options.first[index + 1]]))
        kind, knob = options.choices[best]
        sides.append(kind)
        knobs.append(Knob(knob.radius * size, knob.lift * size, knob.along))
    return PieceShape(size, (sides[0], sides[1], sides[2], sides[3]), (knobs[0], knobs[1], knobs[2], knobs[3]))


@dataclass(frozen=True, slots=True)
class _SideOptions:
    """Every outline each side may follow, for a body of side 1, joined for one sampling pass."""

    choices: tuple[tuple[Side, Knob], ...]  # side by side: the first options are the top's, then the right's, …
    first: tuple[int, ...]  # where each side's options begin among `choices`, and where the last side's end
    contour: Contour
    starts: npt.NDArray[np.intp]  # where each option's points begin in `contour`
    counts: FloatArray  # and how many it has


@cache
def _side_options() -> _SideOptions:
    choices: list[tuple[Side, Knob]] = []
    parts: list[Contour] = []
    first = [0]
    for index in range(4):
        # A flat side is told from a knob or socket by the middle, where those leave it.
        middle = _straight(1.0, index, 0.0, 1.0, _OPTION_SPACING)
        along = middle.xs + middle.ys  # one of the two is constant along a side
        choices.append(("flat", Knob(0.0)))
        parts.append(middle.where(np.abs(along - along.mean()) <= _TYPICAL_RADIUS))
        for radius, lift, share in product(_KNOB_RADII, _KNOB_LIFTS, _KNOB_ALONG):
            knob = Knob(radius, lift, share)
            for kind in ("knob", "socket"):
                choices.append((kind, knob))
                parts.append(_arc(1.0, index, kind, knob, _OPTION_SPACING))
        first.append(len(choices))
    counts = np.array([len(part.xs) for part in parts])
    starts = np.concatenate(([0], np.cumsum(counts[:-1])))
    return _SideOptions(tuple(choices), tuple(first), Contour.join(parts), starts, counts.astype(np.float32))


def _side(size: float, index: int, kind: Side, knob: Knob, spacing: float) -> Contour:
    if kind == "flat":
        return _straight(size, index, 0.0, size, spacing)
    centre = knob.along * size
    foot = knob.radius * math.cos(_below(knob))  # where the round part meets the side, either way of its centre
    return Contour.join(
        [
            _straight(size, index, 0.0, centre - foot, spacing),
            _straight(size, index, centre + foot, size, spacing),
            _arc(size, index, kind, knob, spacing),
        ]
    )


def _straight(size: float, index: int, start: float, stop: float, spacing: float) -> Contour:
    along = np.arange(start, stop + 1e-6, spacing, dtype=np.float32)
    return _place(size, index, along, np.zeros_like(along), np.zeros_like(along), np.ones_like(along))


def _arc(size: float, index: int, kind: Side, knob: Knob, spacing: float) -> Contour:
    """A circle standing `lift` out from the side, down to the side: outwards for a knob, inwards for a socket.
    Unlifted, it is a half circle; lifted, more of it shows, as a round head on a short neck."""
    below = _below(knob)
    span = math.pi + 2 * below
    angles = np.linspace(-below, math.pi + below, max(6, math.ceil(span * knob.radius / spacing)), dtype=np.float32)
    outward = 1.0 if kind == "knob" else -1.0
    along = (knob.along * size - knob.radius * np.cos(angles)).astype(np.float32)
    across = (outward * (knob.lift + knob.radius * np.sin(angles))).astype(np.float32)
    return _place(size, index, along, across, np.cos(angles), np.sin(angles))


def _below(knob: Knob) -> float:
    """The angle below its centre's level at which a lifted circle meets the side (0 when not lifted)."""
    return math.asin(min(knob.lift / knob.radius, 0.95)) if knob.radius > 0 else 0.0


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
