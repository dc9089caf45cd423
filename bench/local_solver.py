"""Accuracy, refusals, confident mistakes and speed of the local solver, per kind of picture members send.

    .venv/bin/python bench/local_solver.py [--count 200] [--seed 0] [--min-confidence 0.9] [--jobs 2]
    .venv/bin/python bench/local_solver.py --labels DIR/reports.jsonl  # the team's reported pictures instead

Per set (bench/pictures.py): the share right within 3 px at a 388 px puzzle width, refused (NoPuzzleFound), and
wrong with a confidence at or above the threshold (what `auto` would deliver as a trusted answer), and the time per
picture from its bytes to the answer, decoding included, one process per job. Then the `auto` policy on our tight
crops and on another author's, the pictures without a puzzle, and the two real samples.

With `--labels`, the pictures are those `captcha-bot reports export` wrote: a ✅ report says the offset answered
then was right, so it is the truth; a ❌ says only that it was wrong, so those are counted apart (answered the same
wrong way again, or otherwise).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pictures import (
    NEGATIVES,
    OTHER_GENERATOR,
    REFERENCE_WIDTH,
    SCREENSHOTS,
    TOLERANCE,
    Picture,
    picture,
    real_samples,
)
from bot.solver.base import NoPuzzleFound
from bot.solver.local.solver import read_picture

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    error: float | None  # at the reference width; None when refused
    confidence: float
    milliseconds: float
    size: tuple[int, int]
    share: float | None = None  # the answer's share of the puzzle's width it measured
    share_error: float | None = None  # |that share − the truth's| × the reference width


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="pictures per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-confidence", type=float, default=0.9)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--labels", type=Path, default=None, help="reports.jsonl of `captcha-bot reports export`")
    args = parser.parse_args()
    if args.labels is not None:
        labelled(args.labels, args.min_confidence, args.jobs)
        return
    seeds = range(args.seed, args.seed + args.count)
    threshold = args.min_confidence
    print(f"{args.count} pictures per set (seeds {seeds.start}–{seeds.stop - 1}), threshold {threshold}")
    print(
        f"{'set':13} {'right':>7} {'share ok':>8} {'refused':>8} {'conf.wrong':>10} {'p50 ms':>7} {'p95 ms':>7}"
        "  typical size"
    )
    screenshots: list[Outcome] = []
    by_set: dict[str, list[Outcome]] = {}
    for name in [*SCREENSHOTS, *OTHER_GENERATOR]:
        outcomes = list(parallel(_Solve(name), seeds, args.jobs))
        by_set[name] = outcomes
        if name in SCREENSHOTS:
            screenshots.extend(outcomes)
        _print_row(name, outcomes, threshold)
    _print_row("screenshots", screenshots, threshold)
    print(f"auto at LOCAL_MIN_CONFIDENCE={threshold}:  sent to the paid API  delivered local answers right")
    for name in ("tight_crop", "independent"):
        sent, right = _policy(by_set[name], threshold)
        print(f"  {name:13} {sent:20.1%}  {right:8.2%}")
    sent, right = _policy(screenshots, threshold)
    print(f"  {'screenshots':13} {sent:20.1%}  {right:8.2%}")
    for name in NEGATIVES:
        outcomes = list(parallel(_Solve(name), seeds, args.jobs))
        refused = sum(1 for outcome in outcomes if outcome.error is None)
        confident = sum(1 for outcome in outcomes if outcome.error is not None and outcome.confidence >= threshold)
        print(f"no puzzle ({name:5}): {refused}/{len(outcomes)} refused, {confident} answered at ≥ {threshold}")
    for label, sample in real_samples().items():
        outcome = _solve(sample)
        if outcome.error is None or outcome.share is None:
            print(f"sample {label}: refused")
            continue
        print(
            f"sample {label}: {REFERENCE_WIDTH * outcome.share:.1f} px at {REFERENCE_WIDTH} px wide "
            f"(its share of the width it measured; truth 276 ± 1), confidence {outcome.confidence:.3f}"
        )


def labelled(path: Path, threshold: float, jobs: int) -> None:
    """The figures on the team's reported pictures: the ✅ ones as a set with its truth, the ❌ ones apart."""
    right: list[Picture] = []
    wrong: list[Picture] = []
    for line in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
        if "file" not in line or line["answer"] is None:
            continue  # not downloaded, or no answer to learn from
        image = (path.parent / line["file"]).read_bytes()
        width = line["puzzle_width"] or Image.open(io.BytesIO(image)).width  # unlocated: the picture is the puzzle
        (right if line["report"] == "right" else wrong).append(Picture(image, line["answer"], width))
    print(f"{path}: {len(right)} picture(s) reported right, {len(wrong)} reported wrong; threshold {threshold}")
    print(
        f"{'set':13} {'right':>7} {'share ok':>8} {'refused':>8} {'conf.wrong':>10} {'p50 ms':>7} {'p95 ms':>7}"
        "  typical size"
    )
    if right:
        outcomes = list(parallel(_SolveGiven(right), range(len(right)), jobs))
        _print_row("reported ✅", outcomes, threshold)
        sent, delivered_right = _policy(outcomes, threshold)
        print(f"auto at LOCAL_MIN_CONFIDENCE={threshold}: {sent:.1%} sent to the paid API, {delivered_right:.2%} right")
    if wrong:
        # Their `offset` is the wrong answer: "right" against it means the same mistake again.
        outcomes = list(parallel(_SolveGiven(wrong), range(len(wrong)), jobs))
        same = sum(1 for o in outcomes if o.error is not None and o.error <= TOLERANCE)
        refused = sum(1 for o in outcomes if o.error is None)
        print(
            f"reported ❌: {same} answered the same wrong way again, {refused} refused, "
            f"{len(outcomes) - same - refused} answered otherwise"
        )


@dataclass(frozen=True, slots=True)
class _SolveGiven:
    pictures: list[Picture]

    def __call__(self, index: int) -> Outcome:
        return _solve(self.pictures[index])


@dataclass(frozen=True, slots=True)
class _Solve:
    """A picklable callable for the worker processes."""

    set_name: str

    def __call__(self, seed: int) -> Outcome:
        return _solve(picture(self.set_name, seed))


def _solve(item: Picture) -> Outcome:
    started = time.perf_counter()
    try:
        with Image.open(io.BytesIO(item.image)) as image:
            size = image.size
            answer = read_picture(image)
    except NoPuzzleFound:
        return Outcome(None, 0.0, (time.perf_counter() - started) * 1000, size)
    milliseconds = (time.perf_counter() - started) * 1000
    share = answer.exact_offset / answer.puzzle.width
    share_error = None
    if item.offset is not None and item.puzzle_width is not None:
        share_error = abs(share - item.offset / item.puzzle_width) * REFERENCE_WIDTH
    return Outcome(item.error(answer.exact_offset), answer.confidence, milliseconds, size, share, share_error)


def _print_row(name: str, outcomes: list[Outcome], threshold: float) -> None:
    count = len(outcomes)
    right = sum(1 for o in outcomes if o.error is not None and o.error <= TOLERANCE) / count
    # The share of the width right as well: what the answer at PUZZLE_WIDTH depends on.
    share_right = sum(1 for o in outcomes if o.share_error is not None and o.share_error <= TOLERANCE) / count
    refused = sum(1 for o in outcomes if o.error is None) / count
    wrong = sum(1 for o in outcomes if o.error is not None and o.error > TOLERANCE and o.confidence >= threshold)
    times = sorted(o.milliseconds for o in outcomes)
    sizes = sorted(o.size for o in outcomes)
    size = sizes[len(sizes) // 2]
    print(
        f"{name:13} {right:7.1%} {share_right:8.1%} {refused:8.1%} {wrong / count:10.2%} {_percentile(times, 50):7.0f} "
        f"{_percentile(times, 95):7.0f}  {size[0]}×{size[1]}"
    )


def _policy(outcomes: list[Outcome], threshold: float) -> tuple[float, float]:
    """Share sent to the paid API, and share of the delivered local answers that are right."""
    kept = [o for o in outcomes if o.error is not None and o.confidence >= threshold]
    right = sum(1 for o in kept if o.error is not None and o.error <= TOLERANCE)
    return 1 - len(kept) / len(outcomes), (right / len(kept)) if kept else math.nan


def parallel(work: Callable[[int], T], seeds: Iterable[int], jobs: int) -> Iterator[T]:
    if jobs <= 1:
        yield from map(work, seeds)
        return
    with ProcessPoolExecutor(jobs) as pool:
        yield from pool.map(work, seeds, chunksize=8)


def _percentile(values: list[float], percent: float) -> float:
    return float(np.percentile(values, percent)) if values else math.nan


if __name__ == "__main__":
    main()
