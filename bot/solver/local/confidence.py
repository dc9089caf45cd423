"""What the local solver saw, and how sure that makes it.

Both sets of weights are logistic regressions fitted on generated puzzles (bench/local_solver.py --calibrate):
the first ranks the interpretations of one image against each other, the second turns the winner's evidence
into the probability that its offset is within 3 px.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Evidence:
    gap_score: float  # corner edges × glow of the gap square in the coarse search
    gap_strength: float  # mean step-edge strength along the gap's fitted outline
    glow_height: float  # rise of the dome fitted to the gap's brightness, 0–255
    glow_fit: float  # R² of that dome
    piece_strength: float  # mean line strength along the piece's outline where it fits best
    piece_rival: float  # the best other local maximum along the band, as a share of the best
    halves_apart: float  # pixels between where the outline's left and right halves alone put the piece
    rows_apart: float  # pixels between the piece's row and the gap's; they share one in every real puzzle
    piece_left: float  # the piece's left edge as a share of the puzzle's width: it starts at the left
    gap_rival: float = 0.0  # the strongest other candidate's score as a share of this one's
    piece_first: bool = False  # found from the piece's outline (the gap did not glow enough to start from)
    agreeing: int = 0  # readings that started from the other end (gap or piece) and found the same offset
    # Set once the reading is placed in the picture (bot/solver/local/solver.py):
    area_score: float = 0.0  # how clearly the puzzle's area is a rectangle of its own (bot/solver/local/area.py)
    bordered: int = 0  # sides of the area that are the picture's border rather than edges seen
    magnification: float = 1.0  # the normalized puzzle's width over the area's width in the picture

    def features(self) -> tuple[float, ...]:
        return (
            math.log(max(self.gap_score, 1e-3)),
            math.log(max(self.gap_strength, 1e-3)),
            math.log(self.glow_height + 1),
            self.glow_fit,
            math.log(self.piece_strength + 1),
            math.log(self.piece_rival + 0.05),
            min(self.halves_apart, 6.0),
            min(self.rows_apart, 3.0),
            min(self.gap_rival, 3.0),
            min(self.piece_left, 0.5),
            float(self.piece_first),
            min(self.agreeing, 1),
            self.area_score,
            self.bordered / 4,
            math.log(self.magnification),
        )


RANK_WEIGHTS = (
    0.06715,
    0.4434,
    -0.06029,
    4.26,
    0.8263,
    -0.4764,
    -0.2484,
    -1.313,
    -0.4513,
    -7.693,
    0.3708,
    2.772,
    2.417,
    1.191,
    -0.582,
)
RANK_BIAS = -8.122
CONFIDENCE_WEIGHTS = (
    0.361,
    0.4276,
    0.02204,
    2.597,
    0.7879,
    -0.5208,
    -0.1662,
    -1.222,
    -2.857,
    -11.58,
    1.518,
    2.908,
    5.634,
    1.497,
    -1.029,
)
CONFIDENCE_BIAS = -8.782


def rank_of(evidence: Evidence) -> float:
    """How plausible this interpretation is next to others of the same image (higher is better)."""
    return RANK_BIAS + sum(weight * value for weight, value in zip(RANK_WEIGHTS, evidence.features(), strict=True))


def confidence_of(evidence: Evidence) -> float:
    """The probability that this interpretation, once ranked best, puts the offset within 3 px."""
    log_odds = CONFIDENCE_BIAS + sum(
        weight * value for weight, value in zip(CONFIDENCE_WEIGHTS, evidence.features(), strict=True)
    )
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, log_odds))))


def looks_like_a_puzzle(evidence: Evidence) -> bool:
    """Whether one outline fits best along the gap's rows: without it there is no piece to speak of.

    Everything else is weighed by the confidence (see bench/calibrate_local.py).
    """
    return evidence.piece_rival <= 0.95
