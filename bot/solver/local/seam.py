"""Does the piece fit back into its gap: do its colours just inside its outline go on in the picture just outside?

A piece is the picture cut out of its gap, so the ring of pixels just inside the piece's outline matches the ring
just outside the gap's, wherever the background is not flat: a gradient, a sky, a horizon crossing the gap. That
holds under any shading of the gap, even an opaque one, because the gap's surroundings are not shaded. Compared
with the same ring at every other place along the gap's rows, it tells the true gap from an edge that only looks
like one; on a flat background every place fits alike and it says nothing.
"""

from __future__ import annotations

import numpy as np

from bot.solver.local.edges import FloatArray
from bot.solver.local.rim import colours_at, others_than, places_right_of, rim_of
from bot.solver.local.scan import Placement
from bot.solver.local.shape import PieceShape

_INSIDE = 0.12  # of the body's side: past the piece's outline, bevel and inner border
_OUTSIDE = 0.06  # of the body's side, plus 2 px: past the gap's rim and any line drawn on it
NEUTRAL = 1.0  # the mismatch when there is nothing to compare with
# A mismatch at most this is a witness to the offset. On 200 of another author's puzzles (bench/local_solver.py's
# seeds 0–199), the readings kept with a piece plainly seen were right every time below 0.6, while pictures of text
# with no puzzle come down to 0.4. But on bench/calibrate_local.py's seeds, 0.7 would have let 13 more readings with
# only the piece's outline past ONE_WITNESS_CEILING, 4 of them wrong.
FITS = 0.5


def seam_mismatch(pixels: FloatArray, shape: PieceShape, piece: Placement, gap: Placement) -> float:
    """How far the piece's inner ring is from the ring around the gap, as a share of the typical distance to the
    ring around other places along the gap's rows: near 0 where it fits, about 1 where it fits no better than
    anywhere."""
    size = shape.size
    rim = rim_of(shape, arcs=False)
    along, across, normal_x, normal_y = rim.xs, rim.ys, rim.normal_x, rim.normal_y
    inside = colours_at(
        pixels, piece.x + along - normal_x * _INSIDE * size, piece.y + across - normal_y * _INSIDE * size
    )
    reach = _OUTSIDE * size + 2
    places = places_right_of(piece, size, pixels.shape[1])
    if len(places) == 0:
        return NEUTRAL
    outside = colours_at(
        pixels,
        places[:, None] + (along + normal_x * reach)[None, :],
        np.broadcast_to(gap.y + across + normal_y * reach, (len(places), len(along))),
    )
    distance = np.abs(outside - inside[None]).mean(axis=(1, 2))
    at, far = others_than(places, gap.x, size)
    others = distance[far]
    if not 0 <= at < len(places) or len(others) < 5:
        return NEUTRAL
    typical = float(np.median(others))
    return float(distance[max(0, at - 2) : at + 3].min()) / max(typical, 1.0)
