"""Edge maps for the local solver: step edges (the gap's rim) and thin lines (the piece's outline).

Every map comes as a pair: strength of vertical boundaries (found by differences along x) and of horizontal ones
(differences along y). A contour point then reads the map that matches its normal, so a long background edge
running the wrong way adds nothing to a side it merely crosses.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


def smooth(values: FloatArray, axis: int) -> FloatArray:
    """A [1, 2, 1] / 4 blur along one axis, edges repeated; takes the edge off JPEG noise."""
    before = np.concatenate((values.take([0], axis), values.take(range(values.shape[axis] - 1), axis)), axis)
    after = np.concatenate((values.take(range(1, values.shape[axis]), axis), values.take([-1], axis)), axis)
    blurred: FloatArray = (before + 2 * values + after) * np.float32(0.25)
    return blurred


class EdgeMaps:
    """Strength of vertical and of horizontal boundaries at each pixel, kept with a zero border for sampling."""

    __slots__ = ("_horizontal", "_vertical")

    def __init__(self, vertical: FloatArray, horizontal: FloatArray) -> None:
        self._vertical = np.pad(vertical, 1)
        self._horizontal = np.pad(horizontal, 1)

    @property
    def vertical(self) -> FloatArray:
        return self._vertical[1:-1, 1:-1]

    @property
    def horizontal(self) -> FloatArray:
        return self._horizontal[1:-1, 1:-1]

    @property
    def shape(self) -> tuple[int, int]:
        height, width = self._vertical.shape
        return height - 2, width - 2

    def sample(self, xs: FloatArray, ys: FloatArray, weight_x: FloatArray, weight_y: FloatArray) -> FloatArray:
        """Bilinear reading at (xs, ys), each map weighted by how much the contour's normal points its way.

        Points outside the image read as zero, so a contour hanging over the border scores lower but stays
        comparable.
        """
        height, width = self.shape
        x0 = np.floor(xs)
        y0 = np.floor(ys)
        fx = (xs - x0).astype(np.float32)
        fy = (ys - y0).astype(np.float32)
        inside = (x0 >= -1) & (x0 < width) & (y0 >= -1) & (y0 < height)
        stride = width + 2
        index = np.clip(y0 + 1, 0, height).astype(np.intp) * stride + np.clip(x0 + 1, 0, width).astype(np.intp)
        readings = []
        for padded in (self._vertical, self._horizontal):
            flat = padded.ravel()
            upper = flat[index] * (1 - fx) + flat[index + 1] * fx
            lower = flat[index + stride] * (1 - fx) + flat[index + stride + 1] * fx
            readings.append(upper * (1 - fy) + lower * fy)
        total: FloatArray = (readings[0] * weight_x + readings[1] * weight_y) * inside
        return total


def step_edges(rgb: FloatArray) -> EdgeMaps:
    """Central differences of the lightly blurred image, summed over the colour channels."""
    blurred = smooth(smooth(rgb, 0), 1)
    across_x = np.zeros(rgb.shape[:2], dtype=np.float32)
    across_y = np.zeros(rgb.shape[:2], dtype=np.float32)
    across_x[:, 1:-1] = np.abs(blurred[:, 2:] - blurred[:, :-2]).sum(axis=-1)
    across_y[1:-1, :] = np.abs(blurred[2:] - blurred[:-2]).sum(axis=-1)
    # Spread each response over its neighbours: the contour model is only good to about a pixel.
    return EdgeMaps(smooth(across_x, 1), smooth(across_y, 0))


def line_edges(rgb: FloatArray, reach: int) -> EdgeMaps:
    """Thin lines, bright or dark: pixels that differ from both neighbours `reach` away in the same direction.

    A plain step differs from one side only and scores nothing, which is what separates the piece's outline
    from the background shapes around it.
    """
    brightness = smooth(smooth(rgb.sum(axis=-1), 0), 1)
    maps = []
    for axis in (1, 0):
        length = brightness.shape[axis]
        centre = brightness.take(range(reach, length - reach), axis)
        to_before = centre - brightness.take(range(length - 2 * reach), axis)
        to_after = centre - brightness.take(range(2 * reach, length), axis)
        ridge = np.maximum(np.minimum(to_before, to_after), np.minimum(-to_before, -to_after))
        strength = np.zeros_like(brightness)
        index: list[slice] = [slice(None), slice(None)]
        index[axis] = slice(reach, length - reach)
        strength[tuple(index)] = np.maximum(ridge, 0)
        maps.append(smooth(strength, axis))
    return EdgeMaps(maps[0], maps[1])


def integral_image(values: FloatArray) -> npt.NDArray[np.float64]:
    """Summed-area table with a zero first row and column, for box means in constant time."""
    table = np.zeros((values.shape[0] + 1, values.shape[1] + 1), dtype=np.float64)
    table[1:, 1:] = values.cumsum(axis=0, dtype=np.float64).cumsum(axis=1)
    return table
