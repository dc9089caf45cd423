"""The local solver: no API, no money, a few tens of milliseconds of CPU per picture.

1. Decode the picture (a large JPEG straight at a reduced size) and find where the puzzle is in it
   (bot/solver/local/area.py): a phone or desktop capture, a hand crop, or the puzzle alone.
2. Cut each likely area out and scale it to NORMAL_WIDTH, so the reading and its accuracy do not depend on
   the picture's size or pixel ratio (bot/solver/local/reading.py).
3. Keep the clearest reading, and map it back to the picture's pixels.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

from PIL import Image

from bot.solver.base import Box, ImageRejected, JobCreated, NoPuzzleFound, Solution
from bot.solver.local.area import MIN_WIDTH, AreaCandidate, Rectangle, find_areas
from bot.solver.local.confidence import Evidence, confidence_of, looks_like_a_puzzle
from bot.solver.local.reading import NORMAL_WIDTH, Reading, read_puzzle

SEARCH_SIDE = 896  # the area search runs on a copy at most this long: a 2560 px desktop's puzzle is 105 px there
DECODE_SIDE = 2048  # a larger JPEG is decoded at a half, a quarter or an eighth, down to about this long side
MIN_SIZE = (60, 40)  # no puzzle screenshot is smaller; uploads refuse these too
MIN_PUZZLE_WIDTH = 150  # px of the picture: a smaller puzzle cannot be read to a pixel at its real size
SURE = 0.98  # a reading this confident ends the search: later areas are less likely still
# A reading below this is a guess: refused, never answered. Above a half, not at it: the fit's tail on pictures
# without a puzzle reaches 0.57 (a flat background of bench seeds 5000–5299; 0.50 on seeds 0–299).
GUESS = 0.6
_MARGIN = 0.02  # of the puzzle's width added on each side of a cut: its edges are located to a pixel or two


@dataclass(frozen=True, slots=True)
class LocalAnswer:
    """A reading mapped back to the picture as given."""

    offset: int  # gap x − piece x, in pixels of the picture
    exact_offset: float
    confidence: float
    puzzle: Box  # the puzzle's rectangle in the picture
    slider: Box | None
    piece: Box
    gap: Box
    evidence: Evidence
    area: AreaCandidate


@dataclass(frozen=True, slots=True)
class AreaReading:
    """The interpretations of one located area, and how to map them back to the picture."""

    area: AreaCandidate
    cut: tuple[float, float, float, float]  # left, top, right, bottom in pixels of the picture
    scale: float  # pixels of the normalized cut per pixel of the picture
    search_scale: float  # pixels of the search copy (where `area` was found) per pixel of the picture
    readings: list[Reading]


class LocalSolver:
    """Solver backed by `read_picture`, run in a worker thread so the event loop stays free."""

    name = "local"

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        # on_job_created is part of the protocol; a local solve never creates a provider job.
        answer = await asyncio.to_thread(_read_bytes, image)
        return Solution(
            offset=answer.offset,
            raw_answer=str(answer.offset),
            backend=self.name,
            confidence=answer.confidence,
            puzzle_width=answer.puzzle.width,
            puzzle=answer.puzzle,
            piece=answer.piece,
            gap=answer.gap,
        )


def read_picture(image: Image.Image) -> LocalAnswer:
    """Find the puzzle, its piece and its gap; raises NoPuzzleFound rather than guess.

    Answers are in pixels of the picture as given. A large JPEG not yet loaded is decoded at a reduced size
    (`Image.draft`), which changes what `image.size` reports afterwards.
    """
    best: tuple[float, AreaReading, Reading] | None = None
    for area_reading in read_areas(image):
        for reading in area_reading.readings:
            confidence = confidence_of(reading.evidence) if looks_like_a_puzzle(reading.evidence) else 0.0
            if best is None or confidence > best[0]:
                best = (confidence, area_reading, reading)
        if best is not None and best[0] >= SURE:
            break  # the next areas are less likely still: reading them would cost time and buy nothing
    if best is None or best[0] < GUESS:
        raise NoPuzzleFound("no clear piece and gap in any likely puzzle area")
    return _answer(*best)


def read_areas(image: Image.Image) -> Iterator[AreaReading]:
    """Every located area with its readings, likeliest area first; each is read when it is asked for."""
    located = locate(image)
    if located is None:
        return
    picture, decoded_scale, search_scale, areas = located
    for area in areas:
        cut = _cut(area.puzzle, search_scale, picture)
        scale = NORMAL_WIDTH / (cut[2] - cut[0])
        size = (NORMAL_WIDTH, max(1, round((cut[3] - cut[1]) * scale)))
        puzzle = picture.resize(size, Image.Resampling.BILINEAR, box=cut, reducing_gap=2.0)
        left, top, right, bottom = (value / decoded_scale for value in cut)
        readings = [
            replace(reading, evidence=_placed(reading.evidence, area, scale * decoded_scale))
            for reading in read_puzzle(puzzle)
        ]
        yield AreaReading(
            area, (left, top, right, bottom), scale * decoded_scale, search_scale * decoded_scale, readings
        )


def locate(image: Image.Image) -> tuple[Image.Image, float, float, list[AreaCandidate]] | None:
    """The decoded RGB picture, its scale to the picture as given, the search copy's scale to it, and the areas.

    None for pictures too small to hold a puzzle.
    """
    if image.width < MIN_SIZE[0] or image.height < MIN_SIZE[1]:
        return None
    width_as_given = image.width
    if max(image.size) > DECODE_SIDE:
        reduction = DECODE_SIDE / max(image.size)
        image.draft("RGB", (round(image.width * reduction), round(image.height * reduction)))
    picture = image.convert("RGB")
    search_scale = min(1.0, SEARCH_SIDE / max(picture.size))
    search = picture if search_scale == 1.0 else _scaled(picture, search_scale)
    min_width = max(MIN_WIDTH, round(MIN_PUZZLE_WIDTH * search_scale))
    return picture, picture.width / width_as_given, search_scale, find_areas(search, min_width)


def located_area(image: Image.Image, min_score: float) -> tuple[Box, Box | None] | None:
    """The likeliest area's puzzle and slider in pixels of the picture as given, if it scores `min_score`."""
    located = locate(image)
    if located is None or not located[3] or located[3][0].score < min_score:
        return None
    _, decoded_scale, search_scale, areas = located
    scale = decoded_scale * search_scale
    slider = areas[0].slider
    return _bounds_box(areas[0].bounds, scale), _rectangle_box(slider, scale) if slider else None


def _placed(evidence: Evidence, area: AreaCandidate, magnification: float) -> Evidence:
    return replace(evidence, area_score=area.score, bordered=area.bordered, magnification=magnification)


def _read_bytes(data: bytes) -> LocalAnswer:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return read_picture(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected(f"cannot decode the image: {exc}") from None


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)


def _cut(rectangle: Rectangle, search_scale: float, picture: Image.Image) -> tuple[float, float, float, float]:
    """The area in pixels of the decoded picture, with a margin, within the picture."""
    margin = _MARGIN * rectangle.width
    left = max(0.0, (rectangle.left - margin) / search_scale)
    top = max(0.0, (rectangle.top - margin) / search_scale)
    right = min(float(picture.width), (rectangle.right + 1 + margin) / search_scale)
    bottom = min(float(picture.height), (rectangle.bottom + 1 + margin) / search_scale)
    return left, top, right, bottom


def _answer(confidence: float, area_reading: AreaReading, reading: Reading) -> LocalAnswer:
    left, top, _, _ = area_reading.cut
    scale, area = area_reading.scale, area_reading.area

    def box(x0: float, y0: float, x1: float, y1: float) -> Box:
        return _box(left + x0 / scale, top + y0 / scale, left + x1 / scale, top + y1 / scale)

    exact = reading.offset / scale
    return LocalAnswer(
        offset=round(exact),
        exact_offset=exact,
        confidence=confidence,
        puzzle=_bounds_box(area.bounds, area_reading.search_scale),
        slider=_rectangle_box(area.slider, area_reading.search_scale) if area.slider else None,
        piece=box(*reading.outline(reading.piece)),
        gap=box(*reading.outline(reading.gap)),
        evidence=reading.evidence,
        area=area,
    )


def _bounds_box(bounds: tuple[float, float, float, float], search_scale: float) -> Box:
    left, top, right, bottom = (value / search_scale for value in bounds)
    return _box(left, top, right, bottom)


def _rectangle_box(rectangle: Rectangle, search_scale: float) -> Box:
    return _box(
        rectangle.left / search_scale,
        rectangle.top / search_scale,
        (rectangle.right + 1) / search_scale,
        (rectangle.bottom + 1) / search_scale,
    )


def _box(x0: float, y0: float, x1: float, y1: float) -> Box:
    return Box(round(x0), round(y0), round(x1) - round(x0), round(y1) - round(y0))
