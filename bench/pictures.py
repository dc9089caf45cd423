"""The pictures the local solver is measured on, by set, each with its truth; shared by the benchmark and the fit.

Screenshot contexts come from tests/generators/capture.py, tight crops of another author's puzzles from
tests/generators/independent.py, pictures without any puzzle from tests/generators/puzzle.py. A set and a
seed always make the same picture.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.generators.capture import CONTEXTS, generate_capture
from tests.generators.independent import generate_independent
from tests.generators.puzzle import blank_image, plain_background, text_photo
from tests.generators.samples import SAMPLE_OFFSET, SAMPLE_PUZZLE_WIDTH, sample_in_phone_photo

REFERENCE_WIDTH = 388  # errors are measured at the real puzzle's width: 3 px there is the tolerance
TOLERANCE = 3.0
SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data"


@dataclass(frozen=True, slots=True)
class Picture:
    image: bytes
    offset: float | None  # in pixels of `image`; None when there is no puzzle
    puzzle_width: float | None

    def error(self, answer: float) -> float:
        """|answer − truth| at the reference width; infinite for an answer to a picture without a puzzle."""
        if self.offset is None or self.puzzle_width is None:
            return float("inf")
        return abs(answer - self.offset) * REFERENCE_WIDTH / self.puzzle_width


def _capture(context: str) -> Callable[[int], Picture]:
    def make(seed: int) -> Picture:
        capture = generate_capture(random.Random(f"{context}-{seed}"), context)  # type: ignore[arg-type]
        return Picture(capture.image, capture.offset, capture.puzzle_width)

    return make


def _independent(seed: int) -> Picture:
    puzzle = generate_independent(random.Random(f"independent-{seed}"))
    return Picture(puzzle.image, puzzle.offset, puzzle.puzzle_width)


def _negative(draw: Callable[[int], bytes]) -> Callable[[int], Picture]:
    return lambda seed: Picture(draw(seed), None, None)


SCREENSHOTS: dict[str, Callable[[int], Picture]] = {context: _capture(context) for context in CONTEXTS}
OTHER_GENERATOR = {"independent": _independent}
NEGATIVES = {"text": _negative(text_photo), "blank": _negative(blank_image), "plain": _negative(plain_background)}
SETS = {**SCREENSHOTS, **OTHER_GENERATOR, **NEGATIVES}


def picture(set_name: str, seed: int) -> Picture:
    return SETS[set_name](seed)


def real_samples() -> dict[str, Picture]:
    """The two real samples as they are, and the screenshot scaled ×2.75 into a phone capture sent as a photo."""
    pictures = {}
    for name in ("bytrade-puzzle.png", "bytrade-screenshot.png"):
        data = (SAMPLES / name).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            width = image.width if name == "bytrade-puzzle.png" else SAMPLE_PUZZLE_WIDTH
        pictures[name] = Picture(data, SAMPLE_OFFSET, width)
    photo, scale = sample_in_phone_photo((SAMPLES / "bytrade-screenshot.png").read_bytes(), 2.75)
    pictures["screenshot ×2.75 in a phone photo"] = Picture(photo, SAMPLE_OFFSET * scale, SAMPLE_PUZZLE_WIDTH * scale)
    return pictures
