"""Where to place a job's first result poll, learned from recent jobs.

OmoCaptcha asks for about 2 s between polls and bans clients that poll a captcha more than about 20 times.
A first poll that comes too early costs a whole poll interval of latency and a poll against the cap; one
that comes too late costs latency directly. So the planner learns the provider's typical solve time and
puts the first poll just after it.

Estimate. Observations are `(first_poll_elapsed, ready_at_first_poll)` of the last `window` jobs, elapsed
measured from job creation. t̂ is the threshold that misclassifies the fewest of them (ready with elapsed
< t plus pending with elapsed ≥ t) over every split of the sorted observations: O(n log n), cached until
the next observation. A split's threshold is the midpoint of the gap it lies in (simulated, this stays
closer to D than the gap's lower end). If every observation is ready, t̂ is the earliest of them; if
every one is pending (the provider got slower than anything we saw), the latest × `SLOWER_STEP`. With a
fixed provider time D this converges to D at the jitter's resolution within one batch of jobs; with a
spread of solve times it lands near the median.

Delay of a new job's first poll:
- while exploring (see `exploring`): `initial_delay × U(0.5, 1.5)`; a job still waiting for that, or for
  its next poll after that one came too early, is planned again by the solver once the planner has learned;
- afterwards: `t̂ × (1 + MARGIN) × U(0.97, 1.06)`; the small jitter keeps learning;
- except for `PROBE_SHARE` (4 %) of jobs, polled early at `t̂ × U(0.90, 1.00)` and, if still pending,
  again at the regular delay.
Delays are at least `MIN_DELAY`; the caller clamps them to its deadline and polls on from the last one
at its poll interval.

Seeding. A new process starts from the jobs of earlier runs (`seed`), so that its first burst is not
explored from `initial_delay`. The database knows when each job's answer was *seen* (settled), not when it
became ready nor what its first poll found; feeding "ready at the time seen" alone would leave the estimator
with no pending side (t̂ would be the fastest job ever seen) and would add each run's poll lateness to the
next. So each job gives what its polls must have seen: ready when its answer was seen, and, when that was at
least a poll interval after the earliest answer of them all, still pending one poll interval before (the
poll before the one that found it). Simulated over restarts, the estimate after seeding lands within ~3 %
of the warm planner's with a fixed solve time, and as near as the warm one is with a spread of them.

Where this departs from the plain design, and why (measured by simulating batches of 200 jobs):
- The probes. Without them a warmed-up window holds only "ready" observations, since every poll lands
  after t̂; the optimum is then "anything up to the earliest poll" and t̂ creeps up ~2 % per window
  (3.0 s → 5.1 s in 30 windows), and a provider that got faster would never be noticed. With them t̂
  stays within ~4 % of D and follows it down by up to 10 % per round of first polls, for one extra poll
  on ~4 % of jobs. Probes spread wider (from 0.8) follow faster but let t̂ wander twice as far.
- The jitter's top is 1.06, not 1.10: the upper part only adds latency. With a fixed 3 s solve, ~80 %
  of answers are picked up within 0.3 s of being ready, against ~60 % with 1.10.
- A probe's follow-up comes at the regular delay, a fraction of a second later, instead of a whole
  poll interval later as the provider's documentation suggests: otherwise the answers of the probed
  4 % arrive ~2 s late, and the last answer of a burst is what the team waits for. It costs the same
  one extra poll; the provider's cap on polls per job is untouched.
- The end of exploration. A stream's or a burst's first observations come from its earliest polls, mostly
  too early: ended on `MIN_OBSERVATIONS` of them alone, t̂ was often their latest × `SLOWER_STEP`, and
  every job planned with it, a first poll's worth of a stream, was polled ~0.8 s late. Exploration now ends
  on both kinds, or on one kind at the range's edge (which a provider outside the range reaches as early),
  and the jobs still waiting for an explored delay, or for the poll after an explored one too early, are
  planned again: else they are polled up to half the initial delay, or a poll interval, late. Simulated,
  30 jobs/s for 60 s with a fixed 3 s solve from a fresh planner, the 95th percentile of lateness over 30
  runs: median 0.57 s, worst 0.85 s before; 0.34 s, worst 0.42 s after (without the follow-ups). Measured
  (bench/throughput.py), a fresh bot's first 200-photo burst: 1.8 D before, 1.25 – 1.29 D after.
  Ending on 2 × `MIN_OBSERVATIONS` of one kind instead did as well on a stream, but a 200-photo burst has
  40 pending first polls before any ready one, and its first polls took 2 per job instead of 1.5.
- `SLOWER_STEP` (1.25): taking the latest pending poll as it is climbs only by the jitter per round of
  first polls, six rounds to follow a provider going from 3 s to 6 s; stepping past it takes one or two.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence


class PollPlanner:
    MIN_OBSERVATIONS = 20
    MARGIN = 0.05
    JITTER = (0.97, 1.06)
    PROBE_SHARE = 0.04
    PROBE_RANGE = (0.90, 1.00)
    EXPLORATION_RANGE = (0.5, 1.5)
    EDGE = 0.05  # of the exploration's range
    MIN_DELAY = 0.05
    SLOWER_STEP = 1.25

    def __init__(self, initial_delay: float, *, window: int = 200, rng: random.Random | None = None) -> None:
        if initial_delay <= 0 or window < 1:
            raise ValueError("initial_delay and window must be positive")
        self._initial_delay = initial_delay
        self._enough = min(self.MIN_OBSERVATIONS, window)
        self._learned = False
        self._observations: deque[tuple[float, bool]] = deque(maxlen=window)
        self._rng = rng or random.Random()
        self._estimate: float | None = None
        self._stale = False

    @property
    def exploring(self) -> bool:
        """Until `MIN_OBSERVATIONS` first polls are known, among them one that found its job ready and one that
        found it pending, or, of one kind only, one at the edge of the exploration's range (a provider faster
        or slower than all of it). Once learned, always learned: the window slides on."""
        if not self._learned and len(self._observations) >= self._enough:
            ready = [elapsed for elapsed, found_ready in self._observations if found_ready]
            pending = [elapsed for elapsed, found_ready in self._observations if not found_ready]
            low, high = (self._initial_delay * share for share in self.EXPLORATION_RANGE)
            edge = self.EDGE * (high - low)
            self._learned = bool(ready and pending) or (
                min(ready) <= low + edge if ready else max(pending) >= high - edge
            )
        return not self._learned

    @property
    def estimate(self) -> float | None:
        """The learned solve time t̂, or None while still exploring."""
        if self.exploring:
            return None
        if self._stale:
            self._estimate = self._best_threshold()
            self._stale = False
        return self._estimate

    def first_polls(self) -> tuple[float, ...]:
        """Delays of a new job's first polls from its creation: one, or a probe and its follow-up."""
        estimate = self.estimate
        if estimate is None:
            return (self._floor(self._initial_delay * self._rng.uniform(*self.EXPLORATION_RANGE)),)
        regular = self._floor(estimate * (1 + self.MARGIN) * self._rng.uniform(*self.JITTER))
        if self._rng.random() < self.PROBE_SHARE:
            return self._floor(estimate * self._rng.uniform(*self.PROBE_RANGE)), regular
        return (regular,)

    def _floor(self, delay: float) -> float:
        return max(self.MIN_DELAY, delay)

    def record(self, first_poll_elapsed: float, ready: bool) -> None:
        self._observations.append((first_poll_elapsed, ready))
        self._stale = True

    def seed(self, seen_after: Sequence[float], poll_interval: float) -> None:
        """Observations from earlier runs' jobs: how long after creation each one's answer was seen, oldest
        first (see Seeding above). Live observations push them out of the window as they come."""
        if not seen_after:
            return
        earliest = min(seen_after)
        for seen in seen_after:
            if seen - poll_interval >= earliest:
                self.record(seen - poll_interval, ready=False)
            self.record(seen, ready=True)
        # Answers seen over a whole run, not an exploration's earliest polls: enough of them are enough.
        self._learned = len(self._observations) >= self._enough

    def _best_threshold(self) -> float:
        ordered = sorted(self._observations)
        elapsed = [seen for seen, _ in ordered]
        # Split k classifies ordered[:k] as pending and ordered[k:] as ready; errors(k) is the ready ones
        # before k plus the pending ones from k on. Splits inside a run of equal elapsed values are skipped.
        errors = sum(1 for _, ready in ordered if not ready)
        best_errors, best_splits = errors, [0]
        for k, (seen, ready) in enumerate(ordered, start=1):
            errors += 1 if ready else -1
            if k < len(ordered) and elapsed[k] == seen:
                continue
            if errors < best_errors:
                best_errors, best_splits = errors, [k]
            elif errors == best_errors:
                best_splits.append(k)
        split = best_splits[len(best_splits) // 2]
        if split == 0:
            return elapsed[0]
        if split == len(elapsed):
            return elapsed[-1] * self.SLOWER_STEP
        return (elapsed[split - 1] + elapsed[split]) / 2
