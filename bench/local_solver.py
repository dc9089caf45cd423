"""Accuracy, speed and the auto policy of the local solver, measured on generated puzzles.

    .venv/bin/python bench/local_solver.py [--count 500] [--seed N] [--min-confidence 0.9] [--jobs 2]
    .venv/bin/python bench/local_solver.py --calibrate --count 6000 --seed 100000 --jobs 2

The second prints the weights of bot/solver/local/confidence.py (they come from exactly that run); keep its
seeds away from the ones the report runs on. Times are per image from its bytes to the answer, decoding
included, in one process per job.
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.solver.base import NoPuzzleFound
from bot.solver.local.confidence import Evidence, looks_like_a_puzzle
from bot.solver.local.solver import locate_puzzle, read_candidates
from tests.generators.puzzle import blank_image, generate_puzzle, plain_background, text_photo

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data"
SAMPLE_OFFSET = 276
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99)
NEGATIVES: dict[str, Callable[[int], bytes]] = {"text": text_photo, "blank": blank_image, "plain": plain_background}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    error: float | None  # |answer − truth| in px; None when the solver raised NoPuzzleFound
    confidence: float
    milliseconds: float


@dataclass(frozen=True, slots=True)
class Candidate:
    seed: int
    error: float
    evidence: Evidence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-confidence", type=float, default=0.9)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--calibrate", action="store_true", help="fit the confidence weights instead")
    args = parser.parse_args()
    seeds = range(args.seed, args.seed + args.count)
    if args.calibrate:
        calibrate(seeds, args.jobs)
    else:
        report(seeds, args.jobs, args.min_confidence)


def report(seeds: range, jobs: int, threshold: float) -> None:
    outcomes = list(_parallel(_solve_generated, seeds, jobs))
    answered = [outcome for outcome in outcomes if outcome.error is not None]
    errors = [outcome.error for outcome in answered if outcome.error is not None]
    times = sorted(outcome.milliseconds for outcome in outcomes)
    print(f"{len(outcomes)} generated puzzles (seeds {seeds.start}–{seeds.stop - 1}), {jobs} job(s)")
    print(f"  within 3 px        {_share(outcomes, lambda o: o.error is not None and o.error <= 3):7.2%}")
    print(f"  within 5 px        {_share(outcomes, lambda o: o.error is not None and o.error <= 5):7.2%}")
    print(f"  no puzzle found    {_share(outcomes, lambda o: o.error is None):7.2%}")
    print(f"  mean abs error     {statistics.fmean(errors) if errors else math.nan:7.2f} px (answered only)")
    print(f"  time p50 / p95     {_percentile(times, 50):7.1f} / {_percentile(times, 95):.1f} ms")
    print(f"auto policy at LOCAL_MIN_CONFIDENCE={threshold}:")
    _print_policy(outcomes, threshold)
    print("sweep:  threshold  to paid API  kept within 3 px  kept wrong")
    for value in sorted({*THRESHOLDS, threshold}):
        sent, kept_share, wrong = _policy(outcomes, value)
        print(f"        {value:9.3f}  {sent:11.2%}  {kept_share:16.2%}  {wrong:10d}")

    negative_count = max(10, len(seeds) // 10)
    for kind in NEGATIVES:
        results = list(_parallel(_NegativeSolver(kind), range(seeds.start, seeds.start + negative_count), jobs))
        refused = sum(1 for result in results if result.error is None)
        kept = sum(1 for result in results if result.error is not None and result.confidence >= threshold)
        confident = f"{kept} answered with confidence ≥ {threshold}"
        print(f"no-puzzle images ({kind:5}): {refused}/{len(results)} NoPuzzleFound, {confident}")
    for sample in sorted(SAMPLES.glob("bytrade-*.png")):
        with Image.open(sample) as image:
            answer = locate_puzzle(image)
        print(
            f"sample {sample.name}: offset {answer.offset} (exact {answer.exact_offset:.1f}, expected "
            f"{SAMPLE_OFFSET} ± 1), confidence {answer.confidence:.3f}, piece {answer.piece}, gap {answer.gap}"
        )


def calibrate(seeds: range, jobs: int) -> None:
    """Fit the ranking on every candidate of every puzzle, then the confidence on the winners alone.

    Bare puzzle backgrounds (one per ten puzzles) join the confidence fit as answers that are always wrong.
    Both fits are first checked on the last third after fitting on the rest, then refitted on everything.
    """
    puzzles = [group for group in _parallel(_candidates_of, seeds, jobs) if group]
    decoy_seeds = range(seeds.start, seeds.start + max(10, len(seeds) // 10))
    decoys = [group for group in _parallel(_decoy_candidates_of, decoy_seeds, jobs) if group]
    puzzle_split, decoy_split = len(puzzles) * 2 // 3, len(decoys) * 2 // 3
    rank, confidence = _fit_both(puzzles[:puzzle_split], decoys[:decoy_split])
    print(f"held out: fitted on {puzzle_split} puzzles, checked on {len(puzzles) - puzzle_split}")
    print("  threshold  to paid API  kept within 3 px  kept wrong  bare backgrounds kept")
    checked = [_best(group, rank) for group in puzzles[puzzle_split:]]
    checked_decoys = [_best(group, rank) for group in decoys[decoy_split:]]
    for threshold in THRESHOLDS:
        kept = [c for c in checked if _confident(c, confidence, threshold)]
        wrong = sum(1 for c in kept if c.error > 3)
        decoys_kept = sum(1 for c in checked_decoys if _confident(c, confidence, threshold))
        print(
            f"  {threshold:9.3f}  {1 - len(kept) / len(checked):11.2%}  {1 - wrong / max(1, len(kept)):16.2%}"
            f"  {wrong:10d}  {decoys_kept:8d} of {len(checked_decoys)}"
        )
    rank, confidence = _fit_both(puzzles, decoys)
    winners_right = sum(1 for group in puzzles if _best(group, rank).error <= 3) / len(puzzles)
    print(f"all: {len(puzzles)} puzzles, {len(decoys)} bare backgrounds; winners within 3 px {winners_right:.2%}")
    print(f"RANK_WEIGHTS = ({', '.join(f'{w:.4g}' for w in rank[:-1])})")
    print(f"RANK_BIAS = {rank[-1]:.4g}")
    print(f"CONFIDENCE_WEIGHTS = ({', '.join(f'{w:.4g}' for w in confidence[:-1])})")
    print(f"CONFIDENCE_BIAS = {confidence[-1]:.4g}")


def _fit_both(
    puzzles: list[list[Candidate]], decoys: list[list[Candidate]]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    rank = _fit([candidate for group in puzzles for candidate in group])
    winners = [_best(group, rank) for group in puzzles]
    winners += [best for best in (_best(group, rank) for group in decoys) if looks_like_a_puzzle(best.evidence)]
    return rank, _fit(winners)


def _best(group: list[Candidate], weights: npt.NDArray[np.float64]) -> Candidate:
    return max(group, key=lambda candidate: _apply(weights, candidate.evidence))


def _confident(candidate: Candidate, weights: npt.NDArray[np.float64], threshold: float) -> bool:
    return looks_like_a_puzzle(candidate.evidence) and _sigmoid(_apply(weights, candidate.evidence)) >= threshold


def _fit(candidates: list[Candidate]) -> npt.NDArray[np.float64]:
    features = np.array([candidate.evidence.features() for candidate in candidates])
    correct = np.array([candidate.error <= 3 for candidate in candidates], dtype=np.float64)
    return _logistic(features, correct, penalty=1e-2)


def _apply(weights: npt.NDArray[np.float64], evidence: Evidence) -> float:
    return float(np.dot(evidence.features(), weights[:-1]) + weights[-1])


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, value))))


def _solve_generated(seed: int) -> Outcome:
    puzzle = generate_puzzle(seed)
    return _timed(puzzle.image, puzzle.offset)


@dataclass(frozen=True, slots=True)
class _NegativeSolver:
    """A picklable callable for the worker processes."""

    kind: str

    def __call__(self, seed: int) -> Outcome:
        return _timed(NEGATIVES[self.kind](seed), None)


def _timed(data: bytes, truth: float | None) -> Outcome:
    started = time.perf_counter()
    try:
        with Image.open(io.BytesIO(data)) as image:
            answer = locate_puzzle(image)
    except NoPuzzleFound:
        return Outcome(None, 0.0, (time.perf_counter() - started) * 1000)
    milliseconds = (time.perf_counter() - started) * 1000
    error = abs(answer.exact_offset - truth) if truth is not None else math.inf
    return Outcome(error, answer.confidence, milliseconds)


def _candidates_of(seed: int) -> list[Candidate]:
    puzzle = generate_puzzle(seed)
    with Image.open(io.BytesIO(puzzle.image)) as image:
        readings = read_candidates(image)
    return [Candidate(seed, abs(reading.exact_offset - puzzle.offset), reading.evidence) for reading in readings]


def _decoy_candidates_of(seed: int) -> list[Candidate]:
    with Image.open(io.BytesIO(plain_background(seed))) as image:
        return [Candidate(seed, math.inf, reading.evidence) for reading in read_candidates(image)]


def _parallel(work: Callable[[int], T], seeds: Iterable[int], jobs: int) -> Iterator[T]:
    if jobs <= 1:
        yield from map(work, seeds)
        return
    with ProcessPoolExecutor(jobs) as pool:
        yield from pool.map(work, seeds, chunksize=16)


def _policy(outcomes: list[Outcome], threshold: float) -> tuple[float, float, int]:
    """Share sent to the paid API, share of kept answers within 3 px, and how many kept answers are wrong."""
    kept = [outcome for outcome in outcomes if outcome.error is not None and outcome.confidence >= threshold]
    wrong = sum(1 for outcome in kept if outcome.error is not None and outcome.error > 3)
    sent = 1 - len(kept) / len(outcomes)
    return sent, (1 - wrong / len(kept)) if kept else math.nan, wrong


def _print_policy(outcomes: list[Outcome], threshold: float) -> None:
    sent, kept_share, wrong = _policy(outcomes, threshold)
    print(f"  sent to paid API   {sent:7.2%} (confidence below the threshold or NoPuzzleFound)")
    print(f"  kept within 3 px   {kept_share:7.2%} ({wrong} kept answers off by more than 3 px)")


def _share(outcomes: list[Outcome], condition: Callable[[Outcome], bool]) -> float:
    return sum(1 for outcome in outcomes if condition(outcome)) / len(outcomes)


def _percentile(values: list[float], percent: float) -> float:
    return float(np.percentile(values, percent)) if values else math.nan


def _logistic(
    features: npt.NDArray[np.float64], labels: npt.NDArray[np.float64], penalty: float
) -> npt.NDArray[np.float64]:
    """Weights (bias last) of an L2-penalised logistic regression, by Newton's method."""
    design = np.hstack((features, np.ones((len(features), 1))))
    weights = np.zeros(design.shape[1])
    for _ in range(50):
        predicted = 1 / (1 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (predicted - labels) + penalty * weights
        hessian = (design * (predicted * (1 - predicted))[:, None]).T @ design + penalty * np.eye(len(weights))
        weights = weights - np.linalg.solve(hessian, gradient)
    return weights


if __name__ == "__main__":
    main()
