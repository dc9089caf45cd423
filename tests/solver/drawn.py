"""Puzzles drawn by hand for the local solver's unit tests: a jigsaw outline's pixels on a flat background."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import FloatArray
from bot.solver.local.scan import Placement
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


def traced(pixels: FloatArray, within: npt.NDArray[np.bool_], level: float = 245.0) -> FloatArray:
    """The outline of `within` drawn as a one-pixel line: a piece as another captcha draws it."""
    inner = within.copy()
    inner[1:-1, 1:-1] &= within[:-2, 1:-1] & within[2:, 1:-1] & within[1:-1, :-2] & within[1:-1, 2:]
    out = pixels.copy()
    out[within & ~inner] = level
    return out
