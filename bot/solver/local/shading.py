"""Is the gap's outline where the picture's shading changes, all along it, and nowhere else along its rows?

A gap is the picture darkened, lightened, veiled or frosted within the piece's outline, so the colours just inside
the outline differ from those just outside on every stretch of it: each straight part of a side, each knob and
socket. That holds on a flat background too, where the piece's rim (seam.py) and middle (content.py) fit
everywhere alike. A background shape's edge follows the outline along a stretch or two at most, and a spot of flat
background not at all: compared with the best other place along the gap's rows, the true gap stands out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.solver.local.edges import FloatArray
from bot.solver.local.rim import Rim, others_than, places_right_of, rim_of
from bot.solver.local.scan import Placement
from bot.solver.local.shape import PieceShape

_INSIDE = 0.1  # of the body's side: inside the gap, past any line drawn on its rim
_OUTSIDE = 0.06  # of the body's side, plus 2 px: past the rim's blur and the line's
_NEAR = 2  # px around the gap within which the change counts as at the gap
_PLATEAU = 0.9  # of the highest change: the places around it that are as good, since the rings reach a few px
NO_LEAD = 1.0  # the lead when there is nothing to compare with
# A lead at least this is a witness to the gap. On bench/calibrate_local.py's seeds, the kept readings of another
# author's puzzles found from the piece's outline that only this witnessed were right 24 times in 25 (25 of 26 at 2,
# 23 of 24 at 5); of all such readings, kept or not, 31 of 41 (27 of 32 at 5).
LEADS = 3.0


@dataclass(frozen=True, slots=True)
class ShadingProfile:
    """How much the colours change across an outline of body side `size` at each place along a band of rows, on
    the stretch of the outline where they change least (a side's straight part, a knob, a socket)."""

    places: FloatArray  # x of the body's corner
    change: FloatArray
    size: float

    def lead(self, gap: Placement) -> float:
        """The change at the gap over the best other place's: 1 when no better, well above 1 where the gap's
        shading follows the whole outline."""
        at, far = others_than(self.places, gap.x, self.size)
        if not 0 <= at < len(self.places) or not far.any():
            return NO_LEAD
        at_gap = float(self.change[max(0, at - _NEAR) : at + _NEAR + 1].max())
        return (at_gap + 1.0) / (float(self.change[far].max()) + 1.0)

    def best(self) -> tuple[float, float] | None:
        """Where the colours change most all along the outline, and the best other place's change as a share of
        that. The change stays high while the outline moves by less than the rings' reach, so the place is the
        middle of that plateau."""
        if len(self.places) == 0 or not self.change.max() > 0:
            return None
        index = int(np.argmax(self.change))
        high = self.change >= _PLATEAU * self.change[index]
        first = last = index
        while first > 0 and high[first - 1]:
            first -= 1
        while last < len(high) - 1 and high[last + 1]:
            last += 1
        x = float(self.places[first] + self.places[last]) / 2
        _, far = others_than(self.places, x, self.size)
        rival = float(self.change[far].max()) / float(self.change[index]) if far.any() else 0.0
        return x, rival


def shading_profile(pixels: FloatArray, shape: PieceShape, piece: Placement, y: float) -> ShadingProfile:
    """The profile along row `y`, at every place right of the piece."""
    size = shape.size
    rim = rim_of(shape, arcs=True)
    places = places_right_of(piece, size, pixels.shape[1])
    if len(places) == 0:
        return ShadingProfile(places, places, size)
    colours = pixels.reshape(-1, pixels.shape[2])
    change = _ring(colours, pixels.shape, rim, places, y, -_INSIDE * size)
    change -= _ring(colours, pixels.shape, rim, places, y, _OUTSIDE * size + 2)
    np.abs(change, out=change)
    summed = change[..., 0] + change[..., 1] + change[..., 2]  # numpy sums a short last axis far slower
    # Each stretch by its middle value, so a background edge along a few points of it does not count. The points
    # come stretch by stretch, so one sort of the changes raised by a step per stretch keeps each stretch together.
    parts, starts, lengths = np.unique(rim.parts, return_index=True, return_counts=True)
    raise_by = float(summed.max()) + 1.0
    ordered = np.sort(summed + raise_by * rim.parts[None, :], axis=1)
    middles = ordered[:, starts + lengths // 2] - raise_by * parts[None, :]
    weakest: FloatArray = middles.min(axis=1).astype(np.float32)
    return ShadingProfile(places, weakest, size)


def _ring(
    colours: FloatArray, shape: tuple[int, ...], rim: Rim, places: FloatArray, y: float, reach: float
) -> FloatArray:
    """The colours (pixels by channels) of a picture of `shape` at the rim's points moved `reach` out along their
    normals, with the body's corner at each of the whole-pixel `places` on row `y`: places by points by channels."""
    height, width = shape[:2]
    rows = np.clip(np.rint(y + rim.ys + rim.normal_y * reach), 0, height - 1).astype(np.intp)
    across = np.rint(rim.xs + rim.normal_x * reach).astype(np.intp)
    columns = np.clip(places.astype(np.intp)[:, None] + across[None, :], 0, width - 1)
    ring: FloatArray = np.take(colours, rows[None, :] * width + columns, axis=0)
    return ring


def shading_lead(pixels: FloatArray, shape: PieceShape, piece: Placement, gap: Placement) -> float:
    """How clearly the gap's shading follows its whole outline, compared with other places (ShadingProfile.lead)."""
    return shading_profile(pixels, shape, piece, gap.y).lead(gap)
