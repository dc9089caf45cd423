"""Where the puzzle is in a picture: the captcha's rectangle, and the slider bar under it, in whatever members send.

A phone or desktop capture shows the puzzle on a card over a dimmed page; a hand crop shows part of the card; a
tight crop is the puzzle alone. In all of them the puzzle is a rectangle about twice as wide as it is tall whose
four sides are long straight edges (or the picture's own border) between its busy pixels and the flat card
around it. So:
1. On a reduced copy, find long runs of horizontal and of vertical edges.
2. Each long run proposes the rectangles it could be a side of; every proposal is refined and measured on all
   four sides at once (how much of each is an edge, how flat the card is just outside it).
3. The best few distinct ones are returned; the solver reads a piece and a gap in each and keeps the clearest.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from PIL import Image

EDGE_LEVEL = 14  # a colour step (0–255, largest channel) that counts as an edge between card and puzzle
FLAT_LEVEL = 6  # steps below this are a flat card
FAINT_LEVEL = 6  # the slider bar can be this faint: a light grey bar on a white card
MIN_WIDTH = 88  # px of the search copy, by default (a 300 px puzzle on a 2880 px screen is 93 there)
ASPECTS = (0.38, 0.68)  # height / width of a puzzle image
LIMIT = 4  # areas returned

_GAP_CLOSING = 6  # px: runs of edge this close are one side (a near-white stretch of puzzle breaks no side)
_CORNER = 0.06  # share of each side left out at both ends: rounded corners
_BAND = 3  # px of card checked outside each side
_BORDER_SNAP = 2  # px from the picture's border within which a side is the border
_CROSSING = 0.97  # share of a line inside a rectangle, from side to side, that makes it two rectangles
_DISTINCT = 12  # distinct proposals weighed beyond their sides
_CROSSED_PENALTY = 0.3
_SLIDER_BONUS = 1.15
_TWIN_PENALTY = 0.5
_HOLDER_PENALTY = 0.6
_SLIDER_COVER_PENALTY = 0.3
_REACH = 0.04  # of the width: how far a side may move outwards when it is refined
_MAX_REACH = 48
_PLAIN_ROW = 0.7  # share of a row's pixels that are flat along it, for the row to be the card's
_BORDER_SIDE = 0.8  # what a side on the picture's own border counts for: likely, but nothing was seen
# Edge pixels inside, per pixel of half the perimeter, from which an area is busy enough to be a whole puzzle:
# the piece's and the gap's outlines alone are about two. Counted along lines, so it holds at every scale.
_BUSY = 1.0

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Counts = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class Rectangle:
    """In pixels of the search copy: the first and last column and row of the puzzle."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left + 1

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1


@dataclass(frozen=True, slots=True)
class AreaCandidate:
    puzzle: Rectangle
    slider: Rectangle | None
    score: float  # in [0, 1]: how clearly the four sides are edges with a flat card outside
    bordered: int  # how many sides are the picture's own border rather than an edge seen
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # the puzzle's outer edges, sub-pixel


@dataclass(frozen=True, slots=True)
class _Maps:
    """Running counts for constant-time shares along any row or column segment."""

    height: int
    width: int
    min_width: int  # of a puzzle
    row_edges: Counts  # of pixels with a step across rows (a horizontal edge), along x, a zero column first
    column_edges: Counts  # of pixels with a step across columns, along y, a zero row first
    row_flat: Counts  # of flat pixels along x
    column_flat: Counts  # of flat pixels along y
    rows_on: BoolArray
    columns_on: BoolArray
    busy: Counts  # summed-area table of edge pixels (either way), a zero row and column first
    across_rows: npt.NDArray[np.int16]  # the colour steps themselves, for the few areas measured closer
    across_columns: npt.NDArray[np.int16]


def find_areas(image: Image.Image, min_width: int = MIN_WIDTH) -> list[AreaCandidate]:
    """The likeliest puzzle rectangles in an RGB search copy, best first (the whole picture among them).

    None is narrower than `min_width` px of the search copy."""
    maps = _edge_maps(image, min_width)
    proposals = [np.array([[0, 0, maps.width - 1, maps.height - 1]])]
    for row, start, end in _runs(maps.rows_on, min_width):
        proposals.append(_from_horizontal(maps, row, start, end))
    for column, start, end in _runs(maps.columns_on.T, round(min_width * ASPECTS[0])):
        proposals.append(_from_vertical(maps, column, start, end))
    rectangles = _refine(maps, np.unique(np.concatenate(proposals), axis=0))
    scores, bordered = _scores(maps, rectangles)
    # The best distinct proposals, each checked for a line across it once it comes up (that costs a pass over
    # its rows and columns, so not every proposal can have it): a crossed one goes back in line, penalized.
    queue = [(-float(score), index, False) for index, score in enumerate(scores.tolist()) if score > 0]
    heapq.heapify(queue)
    distinct: list[AreaCandidate] = []
    while queue and len(distinct) < _DISTINCT:
        negative, index, checked = heapq.heappop(queue)
        puzzle = Rectangle(*rectangles[index].tolist())
        if any(_overlap(puzzle, other.puzzle) >= 0.7 for other in distinct):
            continue
        if not checked and _crossed(maps, rectangles[index : index + 1])[0]:
            heapq.heappush(queue, (negative * _CROSSED_PENALTY, index, True))
            continue
        distinct.append(AreaCandidate(puzzle, _slider(maps, puzzle), -negative, int(bordered[index])))
    weighed = [replace(candidate, score=_weighed(candidate, distinct)) for candidate in distinct]
    best = sorted(weighed, key=lambda candidate: candidate.score, reverse=True)[:LIMIT]
    return [replace(candidate, bounds=_bounds(maps, candidate.puzzle)) for candidate in best]


def _bounds(maps: _Maps, r: Rectangle) -> tuple[float, float, float, float]:
    """Where each side's edge lies between pixels: the peak of its step profile across the side.

    A step between pixels k − 1 and k shows in the central differences at k − 1 and k alike, so the peak found
    at index p puts the boundary at p + ½ (pixel k spans k … k + 1). The picture's own border is where it is.
    """
    shifts = np.arange(-2, 3)

    def peak(strengths: FloatArray, line: int) -> float:
        best = int(np.argmax(strengths))
        offset = 0.0
        if 0 < best < len(strengths) - 1:
            before, at, after = strengths[best - 1], strengths[best], strengths[best + 1]
            curvature = before - 2 * at + after
            offset = 0.5 * (before - after) / curvature if curvature < 0 else 0.0
        return line + float(shifts[best]) + offset + 0.5

    trim_x, trim_y = round(r.width * _CORNER), round(r.height * _CORNER)

    def across_rows(row: int) -> float:
        rows = np.clip(row + shifts, 0, maps.height - 1)
        return peak(maps.across_rows[rows, r.left + trim_x : r.right + 1 - trim_x].mean(axis=1), row)

    def across_columns(column: int) -> float:
        columns = np.clip(column + shifts, 0, maps.width - 1)
        return peak(maps.across_columns[r.top + trim_y : r.bottom + 1 - trim_y, columns].mean(axis=0), column)

    # A side this close to the picture's border is the border: no margin is that thin, and the puzzle's own
    # rounded, anti-aliased corner makes an edge there.
    near = _BORDER_SNAP
    return (
        0.0 if r.left <= near else across_columns(r.left),
        0.0 if r.top <= near else across_rows(r.top),
        float(maps.width) if r.right >= maps.width - 1 - near else across_columns(r.right),
        float(maps.height) if r.bottom >= maps.height - 1 - near else across_rows(r.bottom),
    )


def _weighed(candidate: AreaCandidate, others: list[AreaCandidate]) -> float:
    """A slider bar below counts for the puzzle. Against it: a twin elsewhere (a page's buttons, chips and list
    items come in sets of one size; a captcha's puzzle is alone), and a clear rectangle inside it (a card's
    edges with the puzzle's make a rectangle around the puzzle)."""
    score = candidate.score * (_SLIDER_BONUS if candidate.slider else 1.0)
    rest = [other for other in others if other is not candidate]
    if any(_twins(candidate.puzzle, other.puzzle) for other in rest):
        score *= _TWIN_PENALTY
    if any(_holds(candidate, other) for other in rest):
        score *= _HOLDER_PENALTY
    if any(other.slider and _covers(candidate.puzzle, other.slider) for other in rest):
        score *= _SLIDER_COVER_PENALTY  # another area's slider bar is part of this one: no puzzle has one inside
    return min(1.0, score)


def _covers(area: Rectangle, part: Rectangle) -> bool:
    """Whether most of `part` lies in `area`."""
    width = min(area.right, part.right) - max(area.left, part.left) + 1
    height = min(area.bottom, part.bottom) - max(area.top, part.top) + 1
    return max(0, width) * max(0, height) >= 0.5 * part.width * part.height


def _holds(outer: AreaCandidate, inner: AreaCandidate) -> bool:
    a, b = outer.puzzle, inner.puzzle
    inside = a.left - 2 <= b.left and b.right <= a.right + 2 and a.top - 2 <= b.top and b.bottom <= a.bottom + 2
    return inside and b.width * b.height >= 0.3 * a.width * a.height and inner.score >= 0.6 * outer.score


def _twins(first: Rectangle, second: Rectangle) -> bool:
    return (
        _overlap(first, second) == 0
        and abs(first.width - second.width) <= 0.04 * first.width
        and abs(first.height - second.height) <= 0.06 * first.height
    )


def _edge_maps(image: Image.Image, min_width: int) -> _Maps:
    # Channel planes as int16: differences of whole planes are many times faster than a reduction over a
    # trailing axis of three.
    planes = [np.asarray(channel, dtype=np.int16) for channel in image.convert("RGB").split()]
    height, width = planes[0].shape
    across_rows = np.zeros((height, width), dtype=np.int16)
    across_columns = np.zeros((height, width), dtype=np.int16)
    for plane in planes:
        np.maximum(across_rows[1:-1], np.abs(plane[2:] - plane[:-2]), out=across_rows[1:-1])
        np.maximum(across_columns[:, 1:-1], np.abs(plane[:, 2:] - plane[:, :-2]), out=across_columns[:, 1:-1])
    rows_on = across_rows >= EDGE_LEVEL
    columns_on = across_columns >= EDGE_LEVEL
    flat = (across_rows < FLAT_LEVEL) & (across_columns < FLAT_LEVEL)
    return _Maps(
        height,
        width,
        min_width,
        _running(rows_on, axis=1),
        _running(columns_on, axis=0),
        _running(flat, axis=1),
        _running(flat, axis=0),
        rows_on,
        columns_on,
        np.pad((rows_on | columns_on).cumsum(axis=0, dtype=np.int32).cumsum(axis=1, dtype=np.int32), ((1, 0), (1, 0))),
        across_rows,
        across_columns,
    )


def _running(values: BoolArray, axis: int) -> Counts:
    pad = [(0, 0), (0, 0)]
    pad[axis] = (1, 0)
    return np.pad(np.cumsum(values, axis=axis, dtype=np.int32), pad)


def _runs(on: BoolArray, min_length: int) -> list[tuple[int, int, int]]:
    """(row, first, last) of every run of True at least `min_length` long, gaps up to _GAP_CLOSING closed."""
    height, width = on.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = on
    steps = np.diff(padded, axis=1)
    start_rows, starts = np.nonzero(steps == 1)
    ends = np.nonzero(steps == -1)[1] - 1  # row-major order: the n-th end closes the n-th start
    if len(starts) == 0:
        return []
    new_group = np.ones(len(starts), dtype=bool)
    new_group[1:] = (start_rows[1:] != start_rows[:-1]) | (starts[1:] - ends[:-1] > _GAP_CLOSING)
    firsts = np.flatnonzero(new_group)
    rows, group_starts, group_ends = start_rows[firsts], starts[firsts], np.maximum.reduceat(ends, firsts)
    long = group_ends - group_starts + 1 >= min_length
    return list(zip(rows[long].tolist(), group_starts[long].tolist(), group_ends[long].tolist(), strict=True))


def _row_shares(counts: Counts, rows: IntArray, first: IntArray, last: IntArray) -> FloatArray:
    """Share of counted pixels along each row between its first and last column, ends trimmed for corners."""
    trim = np.round((last - first) * _CORNER).astype(np.intp)
    a, b = first + trim, last - trim + 1
    shares: FloatArray = (counts[rows, b] - counts[rows, a]) / np.maximum(1, b - a)
    return shares


def _column_shares(counts: Counts, columns: IntArray, first: IntArray, last: IntArray) -> FloatArray:
    trim = np.round((last - first) * _CORNER).astype(np.intp)
    a, b = first + trim, last - trim + 1
    shares: FloatArray = (counts[b, columns] - counts[a, columns]) / np.maximum(1, b - a)
    return shares


def _from_horizontal(maps: _Maps, row: int, start: int, end: int) -> npt.NDArray[np.intp]:
    """Rectangles with this run as their top or bottom side: the other side is a row that is an edge as well."""
    length = end - start + 1
    distances = np.arange(round(length * ASPECTS[0]), round(length * ASPECTS[1]) + 1)
    others = np.concatenate((row + distances, row - distances))
    others = others[(others >= 0) & (others < maps.height)]
    starts, ends = np.full_like(others, start), np.full_like(others, end)
    others = others[_row_shares(maps.row_edges, others, starts, ends) >= 0.6]
    tops, bottoms = np.minimum(others, row), np.maximum(others, row)
    return np.stack((np.full_like(others, start), tops, np.full_like(others, end), bottoms), axis=1)


def _from_vertical(maps: _Maps, column: int, start: int, end: int) -> npt.NDArray[np.intp]:
    length = end - start + 1
    distances = np.arange(max(maps.min_width, round(length / ASPECTS[1])), round(length / ASPECTS[0]) + 1)
    others = np.concatenate((column + distances, column - distances))
    others = others[(others >= 0) & (others < maps.width)]
    starts, ends = np.full_like(others, start), np.full_like(others, end)
    others = others[_column_shares(maps.column_edges, others, starts, ends) >= 0.6]
    lefts, rights = np.minimum(others, column), np.maximum(others, column)
    return np.stack((lefts, np.full_like(others, start), rights, np.full_like(others, end)), axis=1)


def _refine(maps: _Maps, rectangles: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Move each side to the strongest edge near it: within 2 px inwards (a run's row can be one off the edge's
    middle) and up to _REACH of the width outwards (a run found along a side stops where its rounded corners
    begin). Of edges about as strong, the nearest wins: a card's border can run just outside the puzzle's."""
    left, top, right, bottom = (rectangles[:, side].copy() for side in range(4))
    reach = np.maximum(3, np.round(_REACH * (right - left))).astype(np.intp)[:, None]
    shifts = np.arange(-_MAX_REACH, _MAX_REACH + 1)[None, :]
    sides = (
        (1, top, 0, maps.height, -1),
        (3, bottom, maps.height - 1, maps.height, 1),
        (0, left, 0, maps.width, -1),
        (2, right, maps.width - 1, maps.width, 1),
    )
    for side, value, border, limit, outward in sides:
        allowed = (shifts * outward >= -2) & (shifts * outward <= reach)
        lines = np.clip(value[:, None] + shifts, 0, limit - 1)
        if side in (1, 3):
            shares = _row_shares(maps.row_edges, lines, left[:, None], right[:, None])
        else:
            shares = _column_shares(maps.column_edges, lines, rectangles[:, 1:2], rectangles[:, 3:4])
        preference = np.where(allowed, shares - 0.01 * np.abs(shifts), -np.inf)
        best = lines[np.arange(len(lines)), np.argmax(preference, axis=1)]
        rectangles[:, side] = np.where(value == border, border, best)  # the picture's border is a side as it is
    return np.unique(rectangles, axis=0)


def _scores(maps: _Maps, rectangles: npt.NDArray[np.intp]) -> tuple[FloatArray, IntArray]:
    """Per rectangle: edges on every side, times a flat card outside; sides on the picture's border count as
    likely but unseen. Shapes the wrong size or proportion score 0."""
    left, top, right, bottom = (rectangles[:, side] for side in range(4))
    width, height = right - left + 1, bottom - top + 1
    sides = []
    on_border = []
    for line, first, last, outward, border, counts, flat_counts in (
        (top, left, right, -1, top <= 1, maps.row_edges, maps.row_flat),
        (bottom, left, right, 1, bottom >= maps.height - 2, maps.row_edges, maps.row_flat),
        (left, top, bottom, -1, left <= 1, maps.column_edges, maps.column_flat),
        (right, top, bottom, 1, right >= maps.width - 2, maps.column_edges, maps.column_flat),
    ):
        shares = _row_shares if counts is maps.row_edges else _column_shares
        limit = maps.height if counts is maps.row_edges else maps.width
        edge = shares(counts, line, first, last)
        flat = np.zeros(len(line))
        for step in range(2, 2 + _BAND):
            outside = np.clip(line + outward * step, 0, limit - 1)
            flat += shares(flat_counts, outside, first, last) / _BAND
        sides.append(np.where(border, _BORDER_SIDE, edge * (0.5 + 0.5 * flat)))
        on_border.append(border)
    side_scores = np.stack(sides)
    bordered = np.stack(on_border).sum(axis=0)
    score = (0.5 * side_scores.min(axis=0) + 0.5 * side_scores.mean(axis=0)) * (1 - 0.1 * bordered)
    score *= np.clip(_inner_edges(maps, rectangles) / (_BUSY * (width + height)), 0, 1)
    fits = (width >= maps.min_width) & (height >= ASPECTS[0] * width) & (height <= ASPECTS[1] * width)
    return np.where(fits, score, 0.0), bordered


def _inner_edges(maps: _Maps, rectangles: npt.NDArray[np.intp]) -> FloatArray:
    """Edge pixels inside, the border left out: a flat shape in a puzzle's background is no puzzle."""
    left, top, right, bottom = (rectangles[:, side] for side in range(4))
    inset = 3
    x0, y0 = left + inset, top + inset
    x1, y1 = np.maximum(x0, right - inset + 1), np.maximum(y0, bottom - inset + 1)
    table = maps.busy
    total: FloatArray = (table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]).astype(np.float64)
    return total


def _crossed(maps: _Maps, rectangles: npt.NDArray[np.intp]) -> BoolArray:
    """Whether a straight edge runs across the rectangle, parallel to a side, from one end almost to the other.

    A puzzle has no such line inside; a card's edges with the puzzle's own bottom make a rectangle that has.
    """
    crossed = np.zeros(len(rectangles), dtype=bool)
    for index, (left, top, right, bottom) in enumerate(rectangles.tolist()):
        rows = np.arange(top + 4, bottom - 3)
        columns = np.arange(left + 4, right - 3)
        if len(rows) == 0 or len(columns) == 0:
            continue
        across = _row_shares(maps.row_edges, rows, np.full_like(rows, left), np.full_like(rows, right))
        down = _column_shares(maps.column_edges, columns, np.full_like(columns, top), np.full_like(columns, bottom))
        crossed[index] = max(float(across.max()), float(down.max())) >= _CROSSING
    return crossed


def _slider(maps: _Maps, puzzle: Rectangle) -> Rectangle | None:
    """The slider bar: as wide as the puzzle, just below it; its top and bottom are long horizontal edges."""
    inset = round(0.03 * puzzle.width)
    first, last = puzzle.left + inset, puzzle.right - inset

    def edge_rows(low: int, high: int) -> IntArray:
        rows = np.arange(max(0, low), min(maps.height - 1, high))
        shares = (maps.across_rows[rows, first : last + 1] >= FAINT_LEVEL).mean(axis=1)
        found: IntArray = rows[shares >= 0.7]
        return found

    tops = edge_rows(puzzle.bottom + 2 + round(0.01 * puzzle.width), puzzle.bottom + round(0.12 * puzzle.width))
    if len(tops) == 0:
        return None
    bar_top = int(tops[0])
    if not _plain_between(maps.across_columns[puzzle.bottom + 1 : bar_top, first : last + 1]):
        return None
    bottoms = edge_rows(bar_top + round(0.08 * puzzle.width), bar_top + round(0.2 * puzzle.width))
    if len(bottoms) == 0:
        return None
    return Rectangle(puzzle.left, bar_top, puzzle.right, int(bottoms[-1]))


def _plain_between(rows: npt.NDArray[np.int16]) -> bool:
    """Whether some row between a puzzle and a bar below it is plain along its length: a slider bar lies on the
    card. Two long edges within a puzzle's own picture have its texture between them; taken for a shape's slider
    bar, they made the puzzle around them look like a card that holds a puzzle and its bar (see _weighed). A row
    blurred by both edges still changes little along its length, so only the steps along it count."""
    return rows.size == 0 or float((rows < FLAT_LEVEL).mean(axis=1).max()) >= _PLAIN_ROW


def _overlap(first: Rectangle, second: Rectangle) -> float:
    width = min(first.right, second.right) - max(first.left, second.left) + 1
    height = min(first.bottom, second.bottom) - max(first.top, second.top) + 1
    shared = max(0, width) * max(0, height)
    return shared / (first.width * first.height + second.width * second.height - shared)
