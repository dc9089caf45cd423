"""The local solver: no API, no money, a few tens of milliseconds of CPU per screenshot.

How it reads a puzzle:
1. On a 200 px wide copy, find gap-like squares: edges at all four corners and a glow brighter than the body.
2. At full resolution, fit the strongest candidate's body and decide each side (flat, knob or socket).
3. Slide that outline along the same rows to the left over a map of thin lines: the piece's outline.
4. offset = gap x − piece x. The two strongest candidates are read this way and ranked; the winner's
   confidence is a logistic model of how clear each step was, calibrated on generated puzzles.
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from bot.solver.base import Box, ImageRejected, JobCreated, NoPuzzleFound, Solution
from bot.solver.local.confidence import Evidence, confidence_of, looks_like_a_puzzle, rank_of
from bot.solver.local.edges import FloatArray, line_edges, step_edges
from bot.solver.local.gap import GapCandidate, find_gap_candidates, fit_body, glow_of
from bot.solver.local.scan import Placement, centre_by_halves, place_contour
from bot.solver.local.shape import Contour, PieceShape, fit_shape

SEARCH_WIDTH = 200  # the gap search runs on a copy this wide
BODY_SIZES = range(12, 36)  # body sides tried at SEARCH_WIDTH: 6–18 % of the width
MAX_WIDTH = 1000  # larger images are reduced to this first; the answer is scaled back
MIN_SIZE = (60, 40)  # no puzzle screenshot is smaller; uploads refuse these too
_CANDIDATES = 2  # gap candidates read in full; the true gap is the strongest in all but a few per mille


@dataclass(frozen=True, slots=True)
class LocalAnswer:
    offset: int  # gap x − piece x, in pixels of the image as given
    exact_offset: float
    confidence: float
    piece: Box
    gap: Box
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Reading:
    """One interpretation of the image: a gap candidate and the piece that best matches it."""

    shape: PieceShape
    gap: Placement  # in pixels of the analysed copy
    piece: Placement
    scale: float  # analysed copy / image as given
    evidence: Evidence

    @property
    def exact_offset(self) -> float:
        return (self.gap.x - self.piece.x) / self.scale


class LocalSolver:
    """Solver backed by `locate_puzzle`, run in a worker thread so the event loop stays free."""

    name = "local"

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        # on_job_created is part of the protocol; a local solve never creates a provider job.
        started = time.perf_counter()
        answer = await asyncio.to_thread(_locate_bytes, image)
        return Solution(
            offset=answer.offset,
            raw_answer=str(answer.offset),
            backend=self.name,
            seconds=time.perf_counter() - started,
            confidence=answer.confidence,
            piece=answer.piece,
            gap=answer.gap,
        )


def locate_puzzle(image: Image.Image) -> LocalAnswer:
    """Find the piece and its gap; raises NoPuzzleFound rather than guess.

    Answers are in pixels of the image as given. A large JPEG not yet loaded is decoded at a reduced size
    (`Image.draft`), which changes what `image.size` reports afterwards.
    """
    readings = read_candidates(image)
    if not readings:
        raise NoPuzzleFound("no gap-like square in the image")
    best = max(readings, key=lambda reading: rank_of(reading.evidence))
    if not looks_like_a_puzzle(best.evidence):
        raise NoPuzzleFound(f"no clear piece and gap: {best.evidence}")
    return LocalAnswer(
        offset=round(best.exact_offset),
        exact_offset=best.exact_offset,
        confidence=confidence_of(best.evidence),
        piece=_outline_box(best.shape, best.piece, best.scale),
        gap=_outline_box(best.shape, best.gap, best.scale),
        evidence=best.evidence,
    )


def read_candidates(image: Image.Image) -> list[Reading]:
    """Every interpretation worth weighing: the strongest gap candidates, each with its best piece."""
    if image.width < MIN_SIZE[0] or image.height < MIN_SIZE[1]:
        return []
    width_as_given = image.width
    if image.width > MAX_WIDTH:  # a large JPEG can be decoded straight at a half, a quarter or an eighth
        image.draft("RGB", (MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)))
    rgb_image = image.convert("RGB")
    if rgb_image.width > MAX_WIDTH:
        rgb_image = _resized(rgb_image, MAX_WIDTH)
    scale = rgb_image.width / width_as_given
    pixels = np.asarray(rgb_image, dtype=np.float32)
    search_scale = SEARCH_WIDTH / rgb_image.width
    search = np.asarray(_resized(rgb_image, SEARCH_WIDTH), dtype=np.float32)
    candidates = find_gap_candidates(search, BODY_SIZES, _CANDIDATES)
    readings = []
    for candidate in candidates:
        reading = _read(pixels, candidate, search_scale, scale)
        if reading is not None:
            strongest_other = max((other.score for other in candidates if other is not candidate), default=0.0)
            evidence = replace(reading.evidence, gap_rival=strongest_other / candidate.score)
            readings.append(replace(reading, evidence=evidence))
    return readings


def _locate_bytes(data: bytes) -> LocalAnswer:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return locate_puzzle(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected(f"cannot decode the image: {exc}") from None


def _resized(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=2.0)


def _read(pixels: FloatArray, candidate: GapCandidate, search_scale: float, scale: float) -> Reading | None:
    """Fit the gap around a candidate, then find the piece that shares its outline."""
    fitted = _fit_gap(pixels, candidate, search_scale)
    if fitted is None:
        return None
    shape, gap, glow_height, glow_fit = fitted
    found = _find_piece(pixels, shape, gap)
    if found is None:
        return None
    piece, halves_apart = found
    evidence = Evidence(
        gap_score=candidate.score,
        gap_strength=gap.score,
        glow_height=glow_height,
        glow_fit=glow_fit,
        piece_strength=piece.score,
        piece_rival=piece.rival,
        halves_apart=halves_apart,
        rows_apart=abs(piece.y - gap.y),
    )
    return Reading(shape, gap, piece, scale, evidence)


def _fit_gap(
    pixels: FloatArray, candidate: GapCandidate, search_scale: float
) -> tuple[PieceShape, Placement, float, float] | None:
    """The gap's outline and position at full resolution, and how well its middle fits a dome of light."""
    height, width = pixels.shape[:2]
    x, y, size = (value / search_scale for value in (candidate.x, candidate.y, candidate.size))
    margin = int(0.5 * size + 6)  # room for knobs and for the coarse search's error
    left, top = max(0, int(x) - margin), max(0, int(y) - margin)
    crop = pixels[top : min(height, int(y + size) + margin), left : min(width, int(x + size) + margin)]
    maps = step_edges(crop)
    body = fit_body(maps, x - left, y - top, size)
    shape = fit_shape(maps, body.x, body.y, body.size)
    sparse, dense = _contours(shape)
    gap = place_contour(maps, sparse, dense, (body.x - 2, body.x + 2), body.y, 1, shape.size)
    if gap is None:
        return None
    gap_x, _ = centre_by_halves(maps, dense, gap, shape.size)
    glow_height, glow_fit = glow_of(crop, body)
    return shape, Placement(gap_x + left, gap.y + top, gap.score, gap.rival), glow_height, glow_fit


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


def _contours(shape: PieceShape) -> tuple[Contour, Contour]:
    """The outline sampled sparsely (about 120 points, for scanning) and densely (for the final fit)."""
    return shape.contour(max(1.0, shape.size / 30)), shape.contour(0.7)


def _outline_box(shape: PieceShape, placement: Placement, scale: float) -> Box:
    left, top, right, bottom = shape.extents()
    x0, y0 = (placement.x - left) / scale, (placement.y - top) / scale
    x1 = (placement.x + shape.size + right) / scale
    y1 = (placement.y + shape.size + bottom) / scale
    return Box(round(x0), round(y0), round(x1) - round(x0), round(y1) - round(y0))
