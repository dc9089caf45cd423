"""The local solver on the pictures members really send: a small fixed set per context, each with a high floor.

Right means within 3 px at the real puzzle's 388 px width; the bench (bench/local_solver.py) measures the same on
hundreds per context.
"""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from bot.solver.base import NoPuzzleFound
from bot.solver.local.confidence import ONE_WITNESS_CEILING
from bot.solver.local.solver import LocalAnswer, read_picture
from tests.generators.capture import CONTEXTS, Capture, Context, generate_capture
from tests.generators.independent import IndependentPuzzle, generate_independent, independent_bitmap

SEEDS = range(9000, 9012)
REFERENCE_WIDTH = 388


def read(capture: Capture | IndependentPuzzle) -> LocalAnswer | None:
    try:
        with Image.open(io.BytesIO(capture.image)) as image:
            return read_picture(image)
    except NoPuzzleFound:
        return None


def error_at_reference(capture: Capture | IndependentPuzzle, answer: LocalAnswer) -> float:
    return abs(answer.exact_offset - capture.offset) * REFERENCE_WIDTH / capture.puzzle_width


def width_and_share_right(capture: Capture, answer: LocalAnswer) -> bool:
    share = answer.exact_offset / answer.puzzle.width
    return (
        abs(answer.puzzle.width - capture.puzzle_width) <= 0.015 * capture.puzzle_width
        and abs(share - capture.offset / capture.puzzle_width) * REFERENCE_WIDTH <= 3.5
    )


@pytest.mark.parametrize("context", CONTEXTS)
def test_each_context_is_read_right_in_units_of_its_puzzle_and_never_confidently_wrong(context: Context) -> None:
    captures = [generate_capture(random.Random(f"test-{context}-{seed}"), context) for seed in SEEDS]
    answers = [(capture, read(capture)) for capture in captures]
    right = [(c, a) for c, a in answers if a is not None and error_at_reference(c, a) <= 3]
    assert len(right) >= len(captures) - 2  # the bench measures 97–99 % per context on hundreds
    # The puzzle's width is found too: the share of the width is what a member can drag at any scale. The bench
    # measures it right for 94–98 % per context: where the card is taken for the puzzle, the offset is still right.
    assert sum(1 for capture, answer in right if width_and_share_right(capture, answer)) >= len(captures) - 2
    for capture, maybe in answers:
        if maybe is not None and maybe.confidence >= 0.9:
            assert error_at_reference(capture, maybe) <= 6  # a near miss at worst, never another place


def test_another_authors_puzzles_in_a_phone_capture_are_mostly_read() -> None:
    captures = [
        generate_capture(random.Random(f"test-other-{seed}"), "phone_photo", puzzle=independent_bitmap)
        for seed in SEEDS
    ]
    answers = [read(capture) for capture in captures]
    right = sum(1 for c, a in zip(captures, answers, strict=True) if a and error_at_reference(c, a) <= 3)
    assert right >= len(captures) // 2  # another author's gaps need not glow: the bench measures about 80 %


# Another author's puzzles (bench/local_solver.py's seeds) that a reading found from the piece's outline alone, which
# no reading from a gap confirmed, once answered wrongly with a confidence of 0.9 or more.
ONCE_CONFIDENTLY_WRONG = (65, 123, 141, 213, 220, 233, 261, 266, 292)


def test_a_reading_with_one_witness_is_never_sure() -> None:
    for seed in ONCE_CONFIDENTLY_WRONG:
        puzzle = generate_independent(random.Random(f"independent-{seed}"))
        answer = read(puzzle)
        if answer is not None and answer.evidence.one_witness:
            assert answer.confidence <= ONE_WITNESS_CEILING < 0.9, seed
        if answer is not None and error_at_reference(puzzle, answer) > 3:
            assert answer.confidence < 0.9, seed  # auto asks the provider instead
