"""Finding the gap: a square body with edges at all four corners and a bright glow in its middle.

Background shapes are flat, so a bright middle over a darker rim is what sets the gap apart; the corners pin
down its size. Corners rather than whole sides, because knobs and sockets interrupt the middle of every side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import EdgeMaps, FloatArray, integral_image, step_edges
from bot.solver.local.scan import peak_position

_CORNER_SHARE = 0.3  # of the side, from each corner, that stays straight whatever the side carries
_GLOW_UNIT = 20.0  # brightness difference (0-255) between middle and body that counts as a full glow


@dataclass(frozen=True, slots=True)
class GapCandidate:
    x: float  # the body's top-left corner and side, in pixels of the analysed image
    y: float
    size: float
    score: float


@dataclass(frozen=True, slots=True)
class Body:
    x: float
    y: float
    width: float
    height: float

    @property
    def size(self) -> float:
        return (self.width + self.height) / 2


def find_gap_candidates(rgb: FloatArray, sizes: range, limit: int) -> list[GapCandidate]:
    """The best gap-like squares over all sizes, strongest first, none overlapping another's middle."""
    return find_squares(step_edges(rgb), sizes, limit, integral_image(rgb.mean(axis=-1)))


def find_squares(
    maps: EdgeMaps, sizes: range, limit: int, brightness: npt.NDArray[np.float64] | None = None
) -> list[GapCandidate]:
    """Squares with edges at all four corners, strongest first, none overlapping another's middle.

    With `brightness` (a summed-area table), a square scores only as much as its middle is brighter than its
    body: the glow of a gap."""
    height, width = maps.shape
    # Running sums of horizontal edges along x and of vertical edges along y, for corner arms of any length.
    along_x = np.zeros((height, width + 1), dtype=np.float32)
    along_x[:, 1:] = np.cumsum(maps.horizontal, axis=1)
    along_y = np.zeros((height + 1, width), dtype=np.float32)
    along_y[1:] = np.cumsum(maps.vertical, axis=0)
    found: list[GapCandidate] = []
    for size in sizes:
        scores = _square_scores(along_x, along_y, brightness, size)
        if scores is not None:
            found.extend(_peaks(scores, size, 3))
    found.sort(key=lambda candidate: candidate.score, reverse=True)
    kept: list[GapCandidate] = []
    for candidate in found:
        if not any(_overlaps(candidate, other) for other in kept):
            kept.append(candidate)
            if len(kept) == limit:
                break
    return kept


def fit_body(maps: EdgeMaps, x: float, y: float, size: float) -> Body:
    """Move the sides of the square to the strongest edges near them, looking at the corners only.

    Opposite sides are fitted as a pair a body's width apart, since the body is square: a stray straight
    edge next to one side (the puzzle's own border, a background shape) cannot pull that side alone.
    """
    left, right, top, bottom = x, x + size, y, y + size
    slack = max(2.0, 0.08 * size)
    for _ in range(2):
        size = (right - left + bottom - top) / 2
        corner = max(2.0, 0.28 * size)
        rows = np.concatenate((np.arange(top + 1, top + corner), np.arange(bottom - corner + 1, bottom)))
        cols = np.concatenate((np.arange(left + 1, left + corner), np.arange(right - corner + 1, right)))
        left, right = _strongest_pair(maps, left, right, bottom - top, slack, rows.astype(np.float32), True)
        top, bottom = _strongest_pair(maps, top, bottom, right - left, slack, cols.astype(np.float32), False)
        slack = 1.5
    return Body(left, top, right - left, bottom - top)


def _strongest_pair(
    maps: EdgeMaps, first: float, second: float, apart: float, slack: float, across: FloatArray, vertical: bool
) -> tuple[float, float]:
    """The two parallel edges near `first` and `second`, `apart` ± `slack` from each other, strongest together."""
    reach = max(2.0, 0.08 * apart)
    first_at = np.arange(first - reach, first + reach + 0.01, 0.5, dtype=np.float32)
    second_at = np.arange(second - reach, second + reach + 0.01, 0.5, dtype=np.float32)
    first_profile = _edge_profile(maps, first_at, across, vertical)
    second_profile = _edge_profile(maps, second_at, across, vertical)
    together = first_profile[:, None] + second_profile[None, :]
    together[np.abs(second_at[None, :] - first_at[:, None] - apart) > slack] = -np.inf
    i, j = np.unravel_index(int(np.argmax(together)), together.shape)
    return _refined(first_profile, first_at, int(i)), _refined(second_profile, second_at, int(j))


def _edge_profile(maps: EdgeMaps, positions: FloatArray, across: FloatArray, vertical: bool) -> FloatArray:
    """Edge strength summed over `across` for a line at each position: columns if vertical, else rows."""
    grid_positions = np.broadcast_to(positions[:, None], (len(positions), len(across)))
    grid_across = np.broadcast_to(across[None, :], grid_positions.shape)
    ones = np.ones_like(grid_positions)
    zeros = np.zeros_like(grid_positions)
    if vertical:
        strength = maps.sample(grid_positions, grid_across, ones, zeros)
    else:
        strength = maps.sample(grid_across, grid_positions, zeros, ones)
    profile: FloatArray = strength.sum(axis=1)
    return profile


def _refined(profile: FloatArray, positions: FloatArray, index: int) -> float:
    """Sub-pixel position of the peak at `index`, by a parabola through it and its neighbours."""
    if 0 < index < len(profile) - 1:
        return peak_position(profile[index - 1 : index + 2], positions[index - 1 : index + 2])[0]
    return float(positions[index])


def _square_scores(
    along_x: FloatArray, along_y: FloatArray, brightness: npt.NDArray[np.float64] | None, size: int
) -> FloatArray | None:
    """Score of a body of `size` at every top-left position: corner edges, times the glow if asked."""
    height, width = along_x.shape[0], along_y.shape[1]
    rows, cols = height - size, width - size
    if rows <= 0 or cols <= 0:
        return None
    corner = max(2, round(_CORNER_SHARE * size))
    runs_x = along_x[:, corner:] - along_x[:, :-corner]  # horizontal edge over `corner` pixels to the right
    runs_y = along_y[corner:] - along_y[:-corner]  # vertical edge over `corner` pixels downwards
    near, far = slice(0, rows), slice(size, size + rows)
    near_x, far_x = slice(0, cols), slice(size, size + cols)
    before_far_y = slice(size - corner, size - corner + rows)
    before_far_x = slice(size - corner, size - corner + cols)
    # A corner needs both of its arms: the smaller one keeps long straight background edges out. The arms' edges
    # are summed, not averaged: a small square in a corner of the gap, or between a knob and some texture, finds
    # edges as strong per pixel as the gap's own, but only the whole gap has arms as long.
    corners = (
        np.minimum(runs_x[near, near_x], runs_y[near, near_x])
        + np.minimum(runs_x[near, before_far_x], runs_y[near, far_x])
        + np.minimum(runs_x[far, near_x], runs_y[before_far_y, near_x])
        + np.minimum(runs_x[far, before_far_x], runs_y[before_far_y, far_x])
    ) / 4
    if brightness is None:
        edges_only: FloatArray = corners.astype(np.float32)
        return edges_only
    middle = max(2, round(0.36 * size))
    inset = (size - middle) // 2
    glow = _box_mean(brightness, inset, inset, middle, rows, cols) - _box_mean(brightness, 1, 1, size - 1, rows, cols)
    scores: FloatArray = (corners * np.clip(glow / _GLOW_UNIT, 0, 2)).astype(np.float32)
    return scores


def _box_mean(
    table: npt.NDArray[np.float64], dx: int, dy: int, side: int, rows: int, cols: int
) -> npt.NDArray[np.float64]:
    """Mean of the side × side box at offset (dx, dy) from every top-left position."""
    top, bottom = slice(dy, dy + rows), slice(dy + side, dy + side + rows)
    left, right = slice(dx, dx + cols), slice(dx + side, dx + side + cols)
    total = table[bottom, right] - table[top, right] - table[bottom, left] + table[top, left]
    return total / (side * side)


def _peaks(scores: FloatArray, size: int, count: int) -> list[GapCandidate]:
    remaining = scores.copy()
    radius = max(2, size // 2)
    peaks: list[GapCandidate] = []
    for _ in range(count):
        y, x = np.unravel_index(int(np.argmax(remaining)), remaining.shape)
        value = float(remaining[y, x])
        if not value > 0:
            break
        peaks.append(GapCandidate(float(x), float(y), float(size), value))
        remaining[max(0, y - radius) : y + radius + 1, max(0, x - radius) : x + radius + 1] = -np.inf
    return peaks


def _overlaps(first: GapCandidate, second: GapCandidate) -> bool:
    dx = abs(first.x + first.size / 2 - second.x - second.size / 2)
    dy = abs(first.y + first.size / 2 - second.y - second.size / 2)
    return dx <= second.size / 2 and dy <= second.size / 2


def glow_of(rgb: FloatArray, body: Body) -> tuple[float, float]:
    """How well the body's middle fits a smooth dome of light: its height (middle minus corners, 0–255) and R².

    The gap's shading is a round glow, bright in the middle and darker towards the rim; flat background
    shapes, text and photos fit a dome badly or not at all.
    """
    inset = 0.12 * body.size
    step = max(1, round(body.size / 24))
    ys = np.arange(math.ceil(body.y + inset), math.floor(body.y + body.height - inset), step)
    xs = np.arange(math.ceil(body.x + inset), math.floor(body.x + body.width - inset), step)
    ys = ys[(ys >= 0) & (ys < rgb.shape[0])]
    xs = xs[(xs >= 0) & (xs < rgb.shape[1])]
    if len(xs) < 4 or len(ys) < 4:
        return 0.0, 0.0
    brightness = rgb[np.ix_(ys, xs)].mean(axis=-1).ravel().astype(np.float64)
    grid_y, grid_x = np.meshgrid((ys - ys.mean()) / body.size, (xs - xs.mean()) / body.size, indexing="ij")
    u, v = grid_x.ravel(), grid_y.ravel()
    design = np.stack((np.ones_like(u), u, v, u * u, v * v, u * v), axis=1)
    coefficients, *_ = np.linalg.lstsq(design, brightness, rcond=None)
    fitted = design @ coefficients
    spread = float(((brightness - brightness.mean()) ** 2).sum())
    r2 = 1 - float(((brightness - fitted) ** 2).sum()) / spread if spread > 0 else 0.0
    # A round dome b − k·(u² + v²) drops by k / 2 to the corners (u = v = ½); a bowl or saddle is no glow at all.
    curvature = -(coefficients[3] + coefficients[4])
    return float(max(curvature, 0.0)) * 0.25, r2
