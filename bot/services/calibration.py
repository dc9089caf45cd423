"""LOCAL_MIN_CONFIDENCE from the team's own reports: at each threshold, how many local answers would still be
delivered, how many of those were right, and the lowest threshold shown to keep them at least 99.5 % right.

"Shown" is the one-sided 95 % Wilson bound: the share wrong among the answers kept may be at most 0.5 % even at
the bound's worst, so a threshold needs enough reports — 539 with none wrong — before it is recommended.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99)
GOAL = 0.995  # delivered local answers right
Z = 1.645  # one-sided 95 %


@dataclass(frozen=True, slots=True)
class Label:
    confidence: float
    right: bool


@dataclass(frozen=True, slots=True)
class AtThreshold:
    threshold: float
    kept: int  # reported local answers at least this confident: still delivered as local answers
    right: int
    sent_to_paid: float  # share of the reported answers below it: they would go to OmoCaptcha
    shown: bool  # kept answers shown to be ≥ GOAL right

    @property
    def share_right(self) -> float | None:
        return self.right / self.kept if self.kept else None


@dataclass(frozen=True, slots=True)
class Calibration:
    reports: int
    rows: list[AtThreshold]
    recommended: float | None  # the lowest threshold shown, None when none is
    more_needed: int | None  # when none is: more reports needed at the best threshold if they go on as now


def wrong_bound(wrong: int, count: int) -> float:
    """The upper one-sided 95 % Wilson bound of the share wrong."""
    if count == 0:
        return 1.0
    share = wrong / count
    spread = Z * math.sqrt(share * (1 - share) / count + Z * Z / (4 * count * count))
    return (share + Z * Z / (2 * count) + spread) / (1 + Z * Z / count)


def calibrate(labels: Sequence[Label], thresholds: Sequence[float] = THRESHOLDS) -> Calibration:
    rows = []
    for threshold in thresholds:
        kept = [label for label in labels if label.confidence >= threshold]
        right = sum(label.right for label in kept)
        sent = 1 - len(kept) / len(labels) if labels else 0.0
        shown = bool(kept) and wrong_bound(len(kept) - right, len(kept)) <= 1 - GOAL
        rows.append(AtThreshold(threshold, len(kept), right, sent, shown))
    recommended = next((row.threshold for row in rows if row.shown), None)
    return Calibration(len(labels), rows, recommended, None if recommended is not None else _more_needed(rows))


def _more_needed(rows: Sequence[AtThreshold]) -> int | None:
    """Fewest more reports that would show the best threshold (the fewest wrong per answer kept), if the share
    wrong there stays as it is; None if it is above the goal's 0.5 % already, when no number of reports helps."""
    candidates = [row for row in rows if row.kept] or list(rows[:1])
    best = min(candidates, key=lambda row: ((row.kept - row.right) / row.kept if row.kept else 0.0, -row.kept))
    share_wrong = (best.kept - best.right) / best.kept if best.kept else 0.0
    if share_wrong >= 1 - GOAL:
        return None

    def enough(count: int) -> bool:
        return wrong_bound(round(share_wrong * count), count) <= 1 - GOAL

    low, high = best.kept, max(best.kept, 1)
    while not enough(high):  # the bound falls as reports grow: double, then halve the gap
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high - best.kept
