"""Reading one puzzle at its normal scale: the gap, its outline, and the piece that shares it.

The picture has been cut to the located puzzle and scaled to NORMAL_WIDTH (bot/solver/local/solver.py):
1. On a SEARCH_WIDTH copy, find gap-like squares: edges at all four corners and a glow brighter than the body.
2. At the normal scale, fit the strongest candidate's body and decide each side (flat, knob or socket).
3. Slide that outline along the same rows to the left over a map of thin lines: the piece's outline.
4. offset = gap x − piece x. The two strongest of each that give a reading are read this way, and read the other
   way round too: from the piece's thin outline to a gap further right that need not glow.
5. Look for the piece's own middle along its rows (bot/solver/local/content.py): it is the picture cut out of
   the gap, often still seen through the gap's shading; compare the piece's rim with the gap's surroundings
   (bot/solver/local/seam.py): it goes on there; and see whether the colours change all along the gap's outline
   (bot/solver/local/shading.py). bot/solver/local/confidence weighs what each step saw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import zip_longest

import numpy as np
from PIL import Image

from bot.solver.local.confidence import Evidence
from bot.solver.local.content import match_content
from bot.solver.local.edges import FloatArray, line_edges, step_edges
from bot.solver.local.gap import Body, GapCandidate, find_gap_candidates, find_squares, fit_body, glow_of
from bot.solver.local.scan import Placement, centre_by_halves, place_contour
from bot.solver.local.seam import seam_mismatch
from bot.solver.local.shading import shading_lead, shading_profile
from bot.solver.local.shape import Contour, PieceShape, fit_shape

NORMAL_WIDTH = 400  # every puzzle is read at this width, whatever the picture's scale
SEARCH_WIDTH = 200  # the gap search runs on a copy this wide
BODY_SIZES = range(12, 36)  # body sides tried at SEARCH_WIDTH: 6–18 % of the width
_CANDIDATES = 2  # candidates read in full, gaps and pieces each (those that give a reading)
_RIVALS = 4  # candidates found, gaps and pieces each: those not read only tell how clear a reading's start was
_PIECE_REGION = 0.4  # of the width, from the left: where a piece starts out
_AGREEMENT = 2.0  # px at NORMAL_WIDTH between two readings that agree
_NEAR_SHADING = 3.0  # px either side of where the shading changes that the gap's outline is fitted within


_Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Reading:
    """One interpretation of a puzzle: a gap candidate and the piece that best matches it, in its pixels."""

    shape: PieceShape
    gap: Placement
    piece: Placement
    evidence: Evidence

    @property
    def offset(self) -> float:
        return self.gap.x - self.piece.x

    def outline(self, placement: Placement) -> _Box:
        """The outline's box, knobs included: left, top, right, bottom."""
        return _outline_box(self.shape, placement)


def _outline_box(shape: PieceShape, placement: Placement) -> _Box:
    left, top, right, bottom = shape.extents()
    size = shape.size
    return placement.x - left, placement.y - top, placement.x + size + right, placement.y + size + bottom


def read_puzzle(puzzle: Image.Image) -> list[Reading]:
    """Every interpretation worth weighing of an RGB puzzle about NORMAL_WIDTH wide, strongest gaps first."""
    pixels = np.asarray(puzzle, dtype=np.float32)
    search_scale = SEARCH_WIDTH / puzzle.width
    search = np.asarray(_resized(puzzle, SEARCH_WIDTH), dtype=np.float32)
    gaps = find_gap_candidates(search, BODY_SIZES, _RIVALS)
    # Another captcha's gap may not glow: its piece's thin outline at the left is then the place to start.
    left_part = search[:, : round(search.shape[1] * _PIECE_REGION)]
    pieces = find_squares(line_edges(left_part, 1), BODY_SIZES, _RIVALS)
    found: list[Reading] = []
    # A candidate that gives no reading does not use up a turn: a bright piece is found as a gap too, with no room
    # on its left for a piece, and the next candidate is read in its place.
    gaps_read = pieces_read = 0
    for gap, piece in zip_longest(gaps, pieces):
        if gap is not None and gaps_read < _CANDIDATES and (reading := _read(pixels, _Start(gap, gaps, search_scale))):
            found.append(reading)
            gaps_read += 1
        if (
            piece is not None
            and pieces_read < _CANDIDATES
            and (more := _read_from_piece(pixels, _Start(piece, pieces, search_scale)))
        ):
            found.extend(more)
            pieces_read += 1
        if any(_agreeing(reading, found) for reading in found):
            break  # the strongest gap and the strongest piece tell the same offset: the rest would not
    return [
        replace(reading, evidence=replace(reading.evidence, agreeing=_agreeing(reading, found))) for reading in found
    ]


def _agreeing(reading: Reading, readings: list[Reading]) -> int:
    """How many other readings, from other starting points, put the offset at the same place."""
    return sum(
        1
        for other in readings
        if other is not reading
        and other.evidence.piece_first != reading.evidence.piece_first
        and abs(other.offset - reading.offset) <= _AGREEMENT
    )


@dataclass(frozen=True, slots=True)
class _Start:
    """The candidate a reading begins from, among the others found alike, in pixels of the search copy."""

    candidate: GapCandidate
    candidates: list[GapCandidate]
    search_scale: float

    def rival(self, shape: PieceShape, found: Placement, other_end: Placement) -> float:
        """The strongest other candidate's score as a share of this one's. Not rivals: one that is a part of the
        outline `found` around this one (a knob is found as a square of its own, and so is a larger square around
        the outline and some of the picture beside it), and one weaker than this at the reading's other end
        (another captcha shades its piece like its gap)."""
        own = _outline_box(shape, found)
        far = _outline_box(shape, other_end)

        def no_rival(candidate: GapCandidate) -> bool:
            square = self._square(candidate)
            return _part_of(square, own) or (_middle_within(square, far) and candidate.score < self.candidate.score)

        others = (other.score for other in self.candidates if other is not self.candidate and not no_rival(other))
        return max(others, default=0.0) / self.candidate.score

    def _square(self, candidate: GapCandidate) -> _Box:
        scale = self.search_scale
        x, y, size = candidate.x / scale, candidate.y / scale, candidate.size / scale
        return x, y, x + size, y + size


def _middle_within(square: _Box, box: _Box) -> bool:
    x, y = (square[0] + square[2]) / 2, (square[1] + square[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _part_of(square: _Box, outline: _Box) -> bool:
    """Whether the square's middle lies within the outline, or the two share half of the smaller one."""
    width = min(square[2], outline[2]) - max(square[0], outline[0])
    height = min(square[3], outline[3]) - max(square[1], outline[1])
    smaller = min(_area(square), _area(outline))
    return _middle_within(square, outline) or max(0.0, width) * max(0.0, height) >= 0.5 * smaller


def _area(box: _Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _resized(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=2.0)


def _read(pixels: FloatArray, start: _Start) -> Reading | None:
    """Fit the gap around a candidate, then find the piece that shares its outline."""
    fitted = _fit_gap(pixels, start.candidate, start.search_scale)
    if fitted is None:
        return None
    shape, gap, glow_height, glow_fit = fitted
    found = _find_piece(pixels, shape, gap)
    if found is None:
        return None
    piece, halves_apart = found
    glow = (glow_height, glow_fit)
    return _reading(shape, gap, piece, start, glow, halves_apart, piece.rival, pixels, False)


def _read_from_piece(pixels: FloatArray, start: _Start) -> list[Reading]:
    """Fit the piece's outline around a candidate, then find the gap that shares it further right: where step edges
    follow the outline best, and where the colours change all along it, if that is elsewhere (a soft rim on a flat
    background has weak edges, but they go all the way round)."""
    outline = _outline_at(pixels, start.candidate, start.search_scale, lines=True)
    if outline is None:
        return []
    shaded = shading_profile(pixels, outline.shape, outline.placed, outline.placed.y).best()
    gaps = _find_gaps(pixels, outline.shape, outline.placed, shaded)
    return [
        _reading(
            outline.shape,
            gap,
            outline.placed,
            start,
            (glow_height, glow_fit),
            outline.halves_apart,
            gap.rival,
            pixels,
            True,
        )
        for gap, glow_height, glow_fit in gaps
    ]


def _reading(
    shape: PieceShape,
    gap: Placement,
    piece: Placement,
    start: _Start,
    glow: tuple[float, float],
    halves_apart: float,
    slide_rival: float,
    pixels: FloatArray,
    piece_first: bool,
) -> Reading:
    """A reading and what it saw: `start` is the candidate it began from (a gap, or a piece if `piece_first`),
    `slide_rival` how clear the best place along the rows was for the other one."""
    content = match_content(pixels, shape.size, piece, gap)
    evidence = Evidence(
        gap_score=start.candidate.score,
        gap_strength=gap.score,
        glow_height=glow[0],
        glow_fit=glow[1],
        piece_strength=piece.score,
        piece_rival=slide_rival,
        halves_apart=halves_apart,
        rows_apart=abs(piece.y - gap.y),
        piece_left=(piece.x - shape.extents()[0]) / pixels.shape[1],
        gap_rival=start.rival(shape, piece, gap) if piece_first else start.rival(shape, gap, piece),
        piece_first=piece_first,
        content_at_gap=content.at_gap,
        content_elsewhere=content.elsewhere,
        seam=seam_mismatch(pixels, shape, piece, gap),
        shading_lead=shading_lead(pixels, shape, piece, gap),
    )
    return Reading(shape, gap, piece, evidence)


def _fit_gap(
    pixels: FloatArray, candidate: GapCandidate, search_scale: float
) -> tuple[PieceShape, Placement, float, float] | None:
    """The gap's outline and position at full resolution, and how well its middle fits a dome of light."""
    outline = _outline_at(pixels, candidate, search_scale, lines=False)
    if outline is None:
        return None
    glow_height, glow_fit = glow_of(outline.crop, outline.body)
    return outline.shape, outline.placed, glow_height, glow_fit


@dataclass(frozen=True, slots=True)
class _Outline:
    crop: FloatArray  # the pixels around the candidate it was fitted in
    body: Body  # in the crop's pixels
    shape: PieceShape
    placed: Placement  # centred, in the picture's pixels
    halves_apart: float


def _outline_at(pixels: FloatArray, candidate: GapCandidate, search_scale: float, *, lines: bool) -> _Outline | None:
    """A candidate's body and outline fitted at full resolution over step edges (a gap) or thin lines (a piece),
    and placed where the outline fits best around it."""
    height, width = pixels.shape[:2]
    x, y, size = (value / search_scale for value in (candidate.x, candidate.y, candidate.size))
    margin = int(0.5 * size + 6)  # room for knobs and for the coarse search's error
    left, top = max(0, int(x) - margin), max(0, int(y) - margin)
    crop = pixels[top : min(height, int(y + size) + margin), left : min(width, int(x + size) + margin)]
    maps = line_edges(crop, max(2, round(size / 30))) if lines else step_edges(crop)
    body = fit_body(maps, x - left, y - top, size)
    shape = fit_shape(maps, body.x, body.y, body.size)
    sparse, dense = _contours(shape)
    placed = place_contour(maps, sparse, dense, (body.x - 2, body.x + 2), body.y, 1, shape.size)
    if placed is None:
        return None
    centre_x, halves_apart = centre_by_halves(maps, dense, placed, shape.size)
    centred = Placement(centre_x + left, placed.y + top, placed.score, placed.rival)
    return _Outline(crop, body, shape, centred, halves_apart)


def _find_piece(pixels: FloatArray, shape: PieceShape, gap: Placement) -> tuple[Placement, float] | None:
    """Slide the gap's outline along its rows, left of the gap, over a map of thin lines.

    Returns where it fits best and how far apart its left and right halves alone would put it.
    """
    height, width = pixels.shape[:2]
    knob_left, knob_top, knob_right, knob_bottom = shape.extents()
    top = max(0, int(gap.y - knob_top - 4))
    bottom = min(height, int(gap.y + shape.size + knob_bottom + 5))
    right = min(width, int(gap.x + knob_right + 4))
    farthest = gap.x - knob_left - shape.size - knob_right  # the piece ends before the gap begins
    if farthest < -knob_left or bottom - top < shape.size:
        return None
    # The outline is about 1.5 px wide where the body is 45 px; the neighbours compared must lie beyond it.
    maps = line_edges(pixels[top:bottom, :right], max(2, round(shape.size / 30)))
    sparse, dense = _contours(shape)
    step = max(1, round(shape.size / 40))
    x_range = (-knob_left - 2, farthest)
    piece = place_contour(maps, sparse, dense, x_range, gap.y - top, step, clearance=0.15 * shape.size)
    if piece is None:
        return None
    piece_x, halves_apart = centre_by_halves(maps, dense, piece, shape.size)
    return Placement(piece_x, piece.y + top, piece.score, piece.rival), halves_apart


def _find_gaps(
    pixels: FloatArray, shape: PieceShape, piece: Placement, shaded: tuple[float, float] | None
) -> list[tuple[Placement, float, float]]:
    """Slide the piece's outline along its rows, right of the piece, over the step edges of a gap's rim; and, if
    that is elsewhere, within a few pixels of `shaded`: where the colours change all along the outline (shading.py)
    and the best other such place's change as a share of it, which is then that gap's rival."""
    height, width = pixels.shape[:2]
    knob_left, knob_top, knob_right, knob_bottom = shape.extents()
    top = max(0, int(piece.y - knob_top - 4))
    bottom = min(height, int(piece.y + shape.size + knob_bottom + 5))
    nearest = piece.x + shape.size + knob_right + knob_left  # the gap begins after the piece ends
    farthest = width - shape.size - knob_right + 2
    if bottom - top < shape.size:
        return []
    band = pixels[top:bottom]
    maps = step_edges(band)
    sparse, dense = _contours(shape)
    step = max(1, round(shape.size / 40))

    def gap_within(start: float, stop: float) -> tuple[Placement, float, float] | None:
        if stop <= start:
            return None
        gap = place_contour(maps, sparse, dense, (start, stop), piece.y - top, step, clearance=0.15 * shape.size)
        if gap is None:
            return None
        gap_x, _ = centre_by_halves(maps, dense, gap, shape.size)
        glow_height, glow_fit = glow_of(band, Body(gap_x, gap.y, shape.size, shape.size))
        return Placement(gap_x, gap.y + top, gap.score, gap.rival), glow_height, glow_fit

    gaps = [found] if (found := gap_within(nearest, farthest)) else []
    if shaded is not None:
        x, rival = shaded
        near = gap_within(max(nearest, x - _NEAR_SHADING), min(farthest, x + _NEAR_SHADING))
        if near is not None and all(abs(near[0].x - gap.x) > _AGREEMENT for gap, _, _ in gaps):
            gaps.append((replace(near[0], rival=rival), near[1], near[2]))
    return gaps


def _contours(shape: PieceShape) -> tuple[Contour, Contour]:
    """The outline sampled sparsely (about 120 points, for scanning) and densely (for the final fit)."""
    return shape.contour(max(1.0, shape.size / 30)), shape.contour(0.7)
