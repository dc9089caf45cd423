"""The learned first-poll delay, driven by simulated jobs (no clock: elapsed times are given)."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable

import pytest

from bot.solver.omocaptcha.poll_planner import PollPlanner

POLL_INTERVAL = 2.0


def answered(first_polls: tuple[float, ...], solve_time: float) -> tuple[int, float]:
    """Polls on the grid (the first polls, then every interval after the last) until one finds the answer,
    and when that poll happens."""
    for count, delay in enumerate(first_polls, start=1):
        if delay >= solve_time:
            return count, delay
    intervals = math.ceil((solve_time - first_polls[-1]) / POLL_INTERVAL)
    return len(first_polls) + intervals, first_polls[-1] + intervals * POLL_INTERVAL


def run_batch(planner: PollPlanner, solve_time: Callable[[], float], size: int = 200) -> list[tuple[float, float]]:
    """A batch of concurrent jobs, (first poll, solve time) each: all planned before any is observed."""
    jobs = [(planner.first_polls(), solve_time()) for _ in range(size)]
    for first_polls, solved_at in jobs:
        planner.record(first_polls[0], ready=first_polls[0] >= solved_at)
    return [(first_polls[0], solved_at) for first_polls, solved_at in jobs]


def polls_needed(delay: float, solve_time: float) -> int:
    return answered((delay,), solve_time)[0]


def test_explores_around_the_initial_delay_until_it_has_seen_enough_on_both_sides() -> None:
    planner = PollPlanner(3.0, rng=random.Random(1))
    for _ in range(PollPlanner.MIN_OBSERVATIONS):
        (delay,) = planner.first_polls()
        assert 1.5 <= delay <= 4.5
        planner.record(2.5, ready=False)  # a stream's first observations come from its earliest polls
    assert planner.estimate is None  # else 2.5 × SLOWER_STEP: a round of polls late
    planner.record(3.1, ready=True)
    assert planner.estimate == pytest.approx(2.8)


@pytest.mark.parametrize(("ready", "edge"), [(True, 1.6), (False, 4.4)], ids=["faster", "slower"])
def test_a_provider_outside_the_whole_exploration_is_learned_at_its_edge(ready: bool, edge: float) -> None:
    planner = PollPlanner(3.0, rng=random.Random(1))  # explores 1.5 – 4.5 s
    for _ in range(3 * PollPlanner.MIN_OBSERVATIONS):
        planner.record(3.0, ready=ready)
    assert planner.estimate is None  # faster or slower than 3 s: either may be the truth
    planner.record(edge, ready=ready)
    assert planner.estimate == pytest.approx(edge if ready else edge * PollPlanner.SLOWER_STEP)


def test_one_batch_is_enough_to_find_a_fixed_solve_time() -> None:
    planner = PollPlanner(3.0, rng=random.Random(2))
    run_batch(planner, lambda: 3.0)
    assert planner.estimate is not None
    assert abs(planner.estimate - 3.0) < 0.05

    jobs = run_batch(planner, lambda: 3.0, size=1000)
    late = [delay - 3.0 for delay, _ in jobs]
    assert sum(0 <= lateness <= 0.3 for lateness in late) >= 0.7 * len(jobs)  # picked up within 0.3 s
    assert max(polls_needed(delay, solved) for delay, solved in jobs) <= 2


def test_does_not_creep_away_from_a_steady_provider() -> None:
    planner = PollPlanner(3.0, rng=random.Random(3))
    for _ in range(40):
        run_batch(planner, lambda: 3.0)
        assert planner.estimate is not None
        assert abs(planner.estimate - 3.0) < 0.15


def test_follows_a_provider_that_gets_faster_or_slower() -> None:
    planner = PollPlanner(3.0, rng=random.Random(4))
    run_batch(planner, lambda: 3.0)
    for _ in range(3):
        run_batch(planner, lambda: 2.4)
    assert planner.estimate is not None
    assert abs(planner.estimate - 2.4) < 0.1
    for _ in range(4):
        run_batch(planner, lambda: 6.0)
    assert abs(planner.estimate - 6.0) < 0.2


def test_lands_near_the_median_of_spread_solve_times() -> None:
    rng = random.Random(5)
    planner = PollPlanner(3.0, rng=random.Random(6))
    estimates, polls = [], []
    for _ in range(12):
        jobs = run_batch(planner, lambda: rng.uniform(2.0, 4.0))
        estimates.append(planner.estimate or 0.0)
        polls += [polls_needed(delay, solved) for delay, solved in jobs]
    assert abs(statistics.mean(estimates[2:]) - 3.0) < 0.2
    assert max(polls) <= 3


def test_only_the_window_counts() -> None:
    planner = PollPlanner(1.0, window=50, rng=random.Random(7))
    for elapsed in (index / 50 for index in range(200)):
        planner.record(elapsed, ready=elapsed >= 3.0)
    for elapsed in (index / 50 for index in range(50)):
        planner.record(elapsed, ready=elapsed >= 0.5)
    assert planner.estimate is not None
    assert abs(planner.estimate - 0.5) < 0.02


def test_never_polls_sooner_than_the_floor() -> None:
    planner = PollPlanner(0.001, rng=random.Random(8))
    run_batch(planner, lambda: 0.0)
    assert min(min(planner.first_polls()) for _ in range(100)) >= PollPlanner.MIN_DELAY


def test_a_probe_that_comes_too_early_is_followed_up_at_the_regular_time() -> None:
    # The last answer of a burst is what the team waits for: a probed job must not lose a poll interval.
    planner = PollPlanner(3.0, rng=random.Random(9))
    run_batch(planner, lambda: 3.0)
    plans = [planner.first_polls() for _ in range(2000)]
    probes = [plan for plan in plans if len(plan) == 2]
    assert 0.02 * len(plans) <= len(probes) <= 0.06 * len(plans)
    for plan in plans:
        polls, answered_at = answered(plan, 3.0)
        assert polls <= 2
        assert answered_at - 3.0 <= 0.35


def answers_seen(planner: PollPlanner, solve_time: Callable[[], float], size: int = 200) -> list[float]:
    """A batch as run_batch's; when each job's answer was seen (what the database keeps of it)."""
    jobs = [(planner.first_polls(), solve_time()) for _ in range(size)]
    for first_polls, solved_at in jobs:
        planner.record(first_polls[0], ready=first_polls[0] >= solved_at)
    return [answered(first_polls, solved_at)[1] for first_polls, solved_at in jobs]


@pytest.mark.parametrize(
    ("solve_time", "tolerance"),
    [
        (lambda rng: 3.0, 0.05),
        (lambda rng: rng.uniform(2.0, 4.0), 0.12),
        (lambda rng: rng.lognormvariate(1.1, 0.3), 0.12),
    ],
    ids=["fixed", "uniform", "lognormal"],
)
def test_seeded_from_earlier_answers_a_new_planner_starts_where_the_old_one_was(
    solve_time: Callable[[random.Random], float], tolerance: float
) -> None:
    """Within a few percent of the warm planner (the answers seen lag the answers ready by the poll's lateness)."""
    rng = random.Random(10)
    warm = PollPlanner(3.0, rng=random.Random(11))
    for _ in range(4):
        seen = answers_seen(warm, lambda: solve_time(rng))
    assert warm.estimate is not None
    for restart in range(5):  # each run learns on from its seed; none drifts away
        fresh = PollPlanner(3.0, rng=random.Random(12 + restart))
        fresh.seed(seen, POLL_INTERVAL)
        assert fresh.estimate is not None
        assert abs(fresh.estimate / warm.estimate - 1) < tolerance, f"run {restart}: {fresh.estimate:.2f} s"
        for _ in range(2):
            seen = answers_seen(fresh, lambda: solve_time(rng))


def test_a_seed_of_a_few_jobs_still_explores_and_none_changes_nothing() -> None:
    planner = PollPlanner(3.0, rng=random.Random(13))
    planner.seed([], POLL_INTERVAL)
    planner.seed([3.1, 3.2, 5.1], POLL_INTERVAL)
    assert planner.estimate is None
