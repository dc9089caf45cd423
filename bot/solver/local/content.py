"""The piece carries the picture cut out of the gap: is the piece's middle found again there, and only there?

Many captchas shade their gap only partly (tinted glass, a veil, a shadow), so the background's texture still
shows through it: a witness to the offset that neither outline gives. On a flat background, or under an opaque
glow such as Bytrade's, the piece's middle matches nowhere in particular, and the witness says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.solver.local.edges import FloatArray, integral_image, smooth
from bot.solver.local.scan import Placement

Float64Array = npt.NDArray[np.float64]

_MIDDLE = 0.5  # of the body's side: the square around its centre that no socket, bevel or outline reaches
_NEAR = 2  # px at the normal scale around the gap within which a match counts as found at the gap
_COARSE = 4  # px: the half-width of the two box blurs taken off both, so a gap's smooth shading does not count
MATCHED = 0.5  # normalized correlation at the gap that makes the content a witness…
LEAD = 0.1  # …when nowhere else along the rows comes within this of it


@dataclass(frozen=True, slots=True)
class ContentMatch:
    at_gap: float  # normalized correlation of the piece's middle with the gap's, -1 to 1
    elsewhere: float  # the best correlation at any other place right of the piece

    @property
    def witness(self) -> bool:
        return self.at_gap >= MATCHED and self.at_gap - self.elsewhere >= LEAD


def match_content(pixels: FloatArray, size: float, piece: Placement, gap: Placement) -> ContentMatch:
    """Slide the middle of the piece (body corner at `piece`, side `size`) along the gap's rows, right of the piece."""
    height, width = pixels.shape[:2]
    side = round(_MIDDLE * size)
    inset = (size - side) / 2
    x, y, gap_y = round(piece.x + inset), round(piece.y + inset), round(gap.y + inset)
    top, bottom = min(y, gap_y - 1) - 2 * _COARSE, max(y, gap_y + 1) + side + 2 * _COARSE  # and what blurs reach
    inside = x >= 0 and x + side <= width and min(y, gap_y - 1) >= 0 and max(y, gap_y + 1) + side <= height
    first = x + round(0.8 * size)  # no place overlapping the piece itself
    if side < 4 or not inside or first + side > width:
        return ContentMatch(0.0, 0.0)
    band = _detail(pixels[max(0, top) : min(height, bottom)].mean(axis=-1))
    template = band[y - max(0, top) : y + side - max(0, top), x : x + side]
    template = template - template.mean()
    norm = float(np.sqrt((template * template).sum()))
    if norm == 0:
        return ContentMatch(0.0, 0.0)
    search = band[gap_y - 1 - max(0, top) : gap_y + side + 1 - max(0, top), first:]
    products = _correlated(search, template)
    sums, squares = _window_sums(search, side), _window_sums(search**2, side)
    spread = np.sqrt(np.maximum(squares - sums * sums / (side * side), 1e-6))
    along = np.clip(products / (spread * norm), -1.0, 1.0).max(axis=0)
    at = round(gap.x + inset) - first
    near = slice(max(0, at - _NEAR), max(0, at + _NEAR + 1))
    at_gap = float(along[near].max()) if 0 <= at < len(along) else 0.0
    along[max(0, at - 2 * _NEAR) : max(0, at + 2 * _NEAR + 1)] = -1.0
    return ContentMatch(at_gap, float(along.max()))


def _detail(brightness: FloatArray) -> FloatArray:
    """The brightness less its coarse blur: texture, without the smooth light and shade laid over it."""
    coarse = _box_blur(_box_blur(brightness, 0), 1)
    detail: FloatArray = smooth(smooth(brightness, 0), 1) - _box_blur(_box_blur(coarse, 0), 1)
    return detail


def _correlated(search: FloatArray, template: FloatArray) -> Float64Array:
    """The template's products with the search at each of its row offsets and columns, as in a sliding window:
    row by row through FFTs, which costs a tenth of multiplying every window out."""
    side, width = template.shape[0], search.shape[1]
    length = 1 << (width + side - 1).bit_length()
    rows = np.fft.rfft(search, length, axis=1)
    template_rows = np.fft.rfft(template, length, axis=1).conj()
    offsets = search.shape[0] - side + 1
    spectra = np.stack([(rows[offset : offset + side] * template_rows).sum(axis=0) for offset in range(offsets)])
    products: Float64Array = np.fft.irfft(spectra, length, axis=1)[:, : width - side + 1]
    return products


def _window_sums(values: FloatArray, side: int) -> Float64Array:
    """The sum over every side × side window."""
    table = integral_image(values)
    sums: Float64Array = table[side:, side:] - table[:-side, side:] - table[side:, :-side] + table[:-side, :-side]
    return sums


def _box_blur(values: FloatArray, axis: int) -> FloatArray:
    """The mean over 2 × _COARSE + 1 pixels along one axis, edges repeated."""
    along = np.swapaxes(values, 0, axis)
    padded = np.concatenate((np.repeat(along[:1], _COARSE + 1, 0), along, np.repeat(along[-1:], _COARSE, 0)))
    sums = np.cumsum(padded, axis=0)
    window = 2 * _COARSE + 1
    blurred: FloatArray = np.swapaxes((sums[window:] - sums[:-window]) / np.float32(window), 0, axis)
    return blurred
