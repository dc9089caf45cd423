"""The local solver: generated puzzles, the two real samples, and images that hold no puzzle at all."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image

from bot.solver.base import Box, NoPuzzleFound, Solver
from bot.solver.local.solver import LocalAnswer, LocalSolver, read_picture
from tests.e2e.images import SAMPLE_OFFSET, SAMPLES, as_jpeg, plain_png, sample_screenshot
from tests.generators.puzzle import GeneratedPuzzle, blank_image, generate_puzzle, text_photo

GENERATED_SEEDS = range(7000, 7040)


def solve(data: bytes) -> LocalAnswer:
    with Image.open(io.BytesIO(data)) as image:
        return read_picture(image)


def rescaled(data: bytes, factor: float) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        resized = image.convert("RGB").resize((round(image.width * factor), round(image.height * factor)))
    buffer = io.BytesIO()
    resized.save(buffer, "PNG")
    return buffer.getvalue()


def overlap(first: Box, second: Box) -> float:
    """Intersection over union."""
    width = min(first.x + first.width, second.x + second.width) - max(first.x, second.x)
    height = min(first.y + first.height, second.y + second.height) - max(first.y, second.y)
    shared = max(0, width) * max(0, height)
    return shared / (first.width * first.height + second.width * second.height - shared)


@pytest.fixture(scope="module")
def solved() -> list[tuple[GeneratedPuzzle, LocalAnswer | None]]:
    results: list[tuple[GeneratedPuzzle, LocalAnswer | None]] = []
    for seed in GENERATED_SEEDS:
        puzzle = generate_puzzle(seed)
        try:
            results.append((puzzle, solve(puzzle.image)))
        except NoPuzzleFound:
            results.append((puzzle, None))
    return results


def test_generated_puzzles_are_solved_to_within_3_px(solved: list[tuple[GeneratedPuzzle, LocalAnswer | None]]) -> None:
    right = [answer for puzzle, answer in solved if answer and abs(answer.exact_offset - puzzle.offset) <= 3]
    assert len(right) >= len(solved) - 2


def test_confident_answers_are_right(solved: list[tuple[GeneratedPuzzle, LocalAnswer | None]]) -> None:
    confident = [(puzzle, answer) for puzzle, answer in solved if answer and answer.confidence >= 0.9]
    assert len(confident) >= len(solved) - 4
    assert all(abs(answer.exact_offset - puzzle.offset) <= 3 for puzzle, answer in confident)


def test_boxes_outline_the_piece_and_the_gap(solved: list[tuple[GeneratedPuzzle, LocalAnswer | None]]) -> None:
    for puzzle, answer in solved:
        if answer and abs(answer.exact_offset - puzzle.offset) <= 3:
            assert overlap(answer.piece, puzzle.piece) > 0.6
            assert overlap(answer.gap, puzzle.gap) > 0.6
            assert answer.gap.x - answer.piece.x == pytest.approx(puzzle.offset, abs=4)


@pytest.mark.parametrize("name", ["bytrade-screenshot.png", "bytrade-puzzle.png"])
def test_the_real_samples_are_solved(name: str) -> None:
    answer = solve((SAMPLES / name).read_bytes())
    assert abs(answer.offset - SAMPLE_OFFSET) <= 2
    assert answer.confidence >= 0.9


def test_the_real_screenshot_survives_telegram_recompression() -> None:
    assert abs(solve(as_jpeg(sample_screenshot(), quality=75)).offset - SAMPLE_OFFSET) <= 2


@pytest.mark.parametrize("factor", [0.8, 3.0], ids=["smaller", "phone-at-3x"])
def test_a_rescaled_screenshot_is_answered_in_its_own_pixels(factor: float) -> None:
    assert abs(solve(rescaled(sample_screenshot(), factor)).offset - SAMPLE_OFFSET * factor) <= 2


@pytest.mark.parametrize(
    "image",
    [text_photo(1), text_photo(2), blank_image(1), plain_png()],
    ids=["text-photo", "another-text-photo", "blank", "plain-colour"],
)
def test_it_does_not_guess_when_there_is_no_puzzle(image: bytes) -> None:
    with pytest.raises(NoPuzzleFound):
        solve(image)


async def test_the_solver_answers_through_the_common_protocol() -> None:
    solver = LocalSolver()
    assert isinstance(solver, Solver)
    created: list[str] = []

    async def record(job_id: str) -> None:
        created.append(job_id)

    solution = await solver.solve(sample_screenshot(), on_job_created=record)
    assert solution.backend == "local"
    assert abs(solution.offset - SAMPLE_OFFSET) <= 2
    assert solution.raw_answer == str(solution.offset)
    assert solution.job_id is None
    assert created == []
    assert solution.confidence is not None
    assert 0.0 <= solution.confidence <= 1.0
    assert solution.piece is not None
    assert solution.gap is not None
    assert solution.gap.x - solution.piece.x == pytest.approx(solution.offset, abs=2)


async def test_the_solver_refuses_an_image_without_a_puzzle() -> None:
    with pytest.raises(NoPuzzleFound):
        await LocalSolver().solve(plain_png())


async def test_solving_leaves_the_event_loop_free() -> None:
    ticks = 0
    ticks_when_solved: list[int] = []

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    solving = asyncio.create_task(LocalSolver().solve(generate_puzzle(1, puzzle_width=700, scale=1.6).image))
    solving.add_done_callback(lambda _: ticks_when_solved.append(ticks))
    await solving
    ticker.cancel()
    assert ticks_when_solved[0] > 5  # the loop kept running other tasks while the image was being solved
