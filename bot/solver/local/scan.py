"""Sliding an outline along a band of rows to find where the edges follow it best."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.solver.local.edges import EdgeMaps, FloatArray
from bot.solver.local.shape import Contour


@dataclass(frozen=True, slots=True)
class Placement:
    x: float  # where the outline's body corner sits, sub-pixel
    y: float
    score: float  # mean edge strength along the outline there
    rival: float  # the best other local maximum along the band, as a share of the best (0 when none)


def place_contour(
    maps: EdgeMaps,
    coarse: Contour,
    fine: Contour,
    x_range: tuple[float, float],
    y: float,
    step: int,
    clearance: float,
) -> Placement | None:
    """Scan x every `step` pixels (and y ± 1) with a sparse outline, then refine around the best by half pixels.

    A rival is a local maximum at least `clearance` away from the best; the best's own shoulders are not.
    """
    xs = np.arange(math.floor(x_range[0]), math.ceil(x_range[1]) + 1, step, dtype=np.float32)
    if len(xs) == 0:
        return None
    rows = (round(y) - 1, round(y), round(y) + 1)
    table = np.stack([coarse.scores(maps, xs, float(row)) for row in rows])
    row_index, x_index = np.unravel_index(int(np.argmax(table)), table.shape)
    best_x, best_y = float(xs[x_index]), float(rows[row_index])
    profile = table.max(axis=0)
    rival = _best_rival(profile, xs, best_x, clearance) / max(float(profile[x_index]), 1e-6)

    near = np.arange(best_x - step - 1, best_x + step + 1.01, 0.5, dtype=np.float32)
    refined = Placement(best_x, best_y, -1.0, rival)
    for row in np.arange(best_y - 1, best_y + 1.01, 0.5):
        x, score = peak_position(fine.scores(maps, near, float(row)), near)
        if score > refined.score:
            refined = Placement(x, float(row), score, rival)
    return refined


def _best_rival(profile: FloatArray, xs: FloatArray, best_x: float, clearance: float) -> float:
    padded = np.concatenate(([-np.inf], profile, [-np.inf]))
    local_maximum = (profile >= padded[:-2]) & (profile >= padded[2:])
    rivals = profile[local_maximum & (np.abs(xs - best_x) > clearance)]
    return float(rivals.max()) if len(rivals) else 0.0


def centre_by_halves(maps: EdgeMaps, contour: Contour, placement: Placement, size: float) -> tuple[float, float]:
    """Fit the outline's left and right halves on their own; returns their mean x and how far apart they are.

    The mean stays centred when the drawn line is a little wider than the gap (the real piece's is, by about a
    pixel and a half), where the whole outline would lean towards whichever side has the stronger line.
    """
    near = np.arange(placement.x - 3, placement.x + 3.01, 0.5, dtype=np.float32)
    fits = []
    for half in (contour.xs < size / 2, contour.xs >= size / 2):
        fits.append(peak_position(contour.where(half).scores(maps, near, placement.y), near)[0])
    return (fits[0] + fits[1]) / 2, abs(fits[0] - fits[1])


def peak_position(values: FloatArray, positions: FloatArray) -> tuple[float, float]:
    """The maximum of sampled values, refined between samples by a parabola through its neighbours."""
    best = int(np.argmax(values))
    peak = float(values[best])
    if 0 < best < len(values) - 1:
        before, after = float(values[best - 1]), float(values[best + 1])
        curvature = before - 2 * peak + after
        if curvature < 0:
            shift = 0.5 * (before - after) / curvature
            step = float(positions[1] - positions[0])
            return float(positions[best]) + shift * step, peak - 0.25 * (before - after) * shift
    return float(positions[best]), peak
