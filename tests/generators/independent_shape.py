"""A jigsaw outline built from superellipse heads on Bézier necks, and its anti-aliased coverage on a crop.

Positions are kept on a 1/SUPERSAMPLE pixel grid and the outline's own points are snapped to it too: moving the shape
by a grid step then moves its rasterised coverage by exactly that much, which keeps the truth exact to the sub-pixel.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageChops, ImageDraw

SUPERSAMPLE = 4

Point = tuple[float, float]
Edge = Literal["flat", "knob", "socket"]
Mask = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Jigsaw:
    """The outline of one piece, in pixels, with the square body's top-left corner at (0, 0)."""

    body: float
    outline: tuple[Point, ...]  # closed, clockwise on screen, knobs and sockets included

    @property
    def left(self) -> float:
        return min(p[0] for p in self.outline)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.outline)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.outline)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.outline)


def snap(value: float) -> float:
    """`value` on the grid where shifted masks stay exact."""
    return round(value * SUPERSAMPLE) / SUPERSAMPLE


def random_jigsaw(rng: random.Random, body: float) -> Jigsaw:
    corner = body * rng.choice((0.0, 0.0, rng.uniform(0.02, 0.08)))
    head_round = rng.choice((2.0, 2.0, rng.uniform(2.0, 3.6)))  # 2 is a circle, higher is squarer
    # One size for every knob of a piece, as a die-cut would make them, with some play per side.
    head = body * rng.uniform(0.12, 0.19)
    points: list[Point] = []
    # Each side: its start corner, direction along it and outward normal, in screen coordinates (y down).
    sides: tuple[tuple[Point, Point, Point], ...] = (
        ((0.0, 0.0), (1.0, 0.0), (0.0, -1.0)),
        ((body, 0.0), (0.0, 1.0), (1.0, 0.0)),
        ((body, body), (-1.0, 0.0), (0.0, 1.0)),
        ((0.0, body), (0.0, -1.0), (-1.0, 0.0)),
    )
    for index, (edge, (start, along, out)) in enumerate(zip(_random_edges(rng), sides, strict=True)):
        profile = _edge_profile(rng, edge, body, corner, head * rng.uniform(0.92, 1.08), head_round)
        points += [(start[0] + u * along[0] + v * out[0], start[1] + u * along[1] + v * out[1]) for u, v in profile]
        following = sides[(index + 1) % 4][1]
        points += _corner_arc((start[0] + body * along[0], start[1] + body * along[1]), along, following, corner)
    return Jigsaw(body=body, outline=tuple((snap(x), snap(y)) for x, y in points))


def _random_edges(rng: random.Random) -> tuple[Edge, Edge, Edge, Edge]:
    while True:
        edges: list[Edge] = rng.choices(("knob", "socket", "flat"), weights=(0.45, 0.3, 0.25), k=4)
        if "knob" in edges and edges.count("flat") <= 2:
            return edges[0], edges[1], edges[2], edges[3]


def _edge_profile(
    rng: random.Random, edge: Edge, body: float, corner: float, head: float, roundness: float
) -> list[Point]:
    """Points (u along the side, v outward) from the side's start up to, not including, its end corner."""
    if edge == "flat":
        return [(corner, 0.0)]
    centre = body * rng.uniform(0.42, 0.58)
    tilt = rng.uniform(0.2, 0.65)  # where the neck meets the head, in radians below its equator
    neck = head * math.cos(tilt) * rng.uniform(0.6, 0.9)
    lift = head * math.sin(tilt) + body * rng.uniform(0.01, 0.07)  # height of the head's centre above the side
    arc = [
        (centre + head * _signed_pow(math.cos(phi), roundness), lift + head * _signed_pow(math.sin(phi), roundness))
        for phi in np.linspace(math.pi + tilt, -tilt, 28)
    ]
    rising = _bezier_neck((centre - neck, 0.0), arc[0], arc[1])  # the right neck is the same, walked backwards
    falling = _bezier_neck((centre + neck, 0.0), arc[-1], arc[-2])[::-1]
    profile = [(corner, 0.0), *rising, *arc, *falling]
    sign = 1.0 if edge == "knob" else -1.0
    return [(u, sign * v) for u, v in profile]


def _signed_pow(x: float, roundness: float) -> float:
    return math.copysign(abs(x) ** (2.0 / roundness), x)


def _bezier_neck(base: Point, join: Point, beyond: Point) -> list[Point]:
    """A cubic from the side up to the head, leaving the side straight up and arriving along the head's tangent."""
    height = max(join[1], 1e-3)
    tx, ty = beyond[0] - join[0], beyond[1] - join[1]
    norm = math.hypot(tx, ty) or 1.0
    c1 = (base[0], base[1] + 0.6 * height)
    c2 = (join[0] - tx / norm * 0.6 * height, join[1] - ty / norm * 0.6 * height)
    points: list[Point] = []
    for t in np.linspace(0.0, 1.0, 10)[:-1]:
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        points.append(
            (a * base[0] + b * c1[0] + c * c2[0] + d * join[0], a * base[1] + b * c1[1] + c * c2[1] + d * join[1])
        )
    return points


def _corner_arc(corner: Point, incoming: Point, outgoing: Point, radius: float) -> list[Point]:
    if radius <= 0:
        return [corner]
    cx = corner[0] - radius * incoming[0] + radius * outgoing[0]
    cy = corner[1] - radius * incoming[1] + radius * outgoing[1]
    return [
        (
            cx + radius * (incoming[0] * math.sin(t) - outgoing[0] * math.cos(t)),
            cy + radius * (incoming[1] * math.sin(t) - outgoing[1] * math.cos(t)),
        )
        for t in np.linspace(0.0, math.pi / 2, 6)
    ]


@dataclass(frozen=True, slots=True)
class Crop:
    """A window of the picture, in whole pixels."""

    x: int
    y: int
    width: int
    height: int


def coverage(jigsaw: Jigsaw, x: float, y: float, crop: Crop, band: float = 0.0) -> Mask:
    """How much of each crop pixel the piece covers when its body corner sits at (x, y), both on the grid.

    With `band` > 0, only a strip of about that width just inside the outline: the piece's or the gap's border line.
    """
    dx, dy = round((x - crop.x) * SUPERSAMPLE), round((y - crop.y) * SUPERSAMPLE)
    points = [(round(u * SUPERSAMPLE) + dx, round(v * SUPERSAMPLE) + dy) for u, v in jigsaw.outline]
    size = (crop.width * SUPERSAMPLE, crop.height * SUPERSAMPLE)
    fill = Image.new("L", size, 0)
    ImageDraw.Draw(fill).polygon(points, fill=255)
    if band > 0:
        line = Image.new("L", size, 0)
        ImageDraw.Draw(line).line([*points, points[0]], fill=255, width=max(1, round(2 * band * SUPERSAMPLE)))
        fill = ImageChops.multiply(fill, line)
    return np.asarray(fill.reduce(SUPERSAMPLE), dtype=np.float32) / 255.0
