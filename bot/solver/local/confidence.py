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
    gap_rival: float = 0.0  # the strongest other gap candidate's score as a share of this one's

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
        )


RANK_WEIGHTS = (0.4402, -0.1738, 0.08567, 2.298, -0.3305, 0.08775, -0.3824, -0.9105, -1.43)
RANK_BIAS = 2.34
CONFIDENCE_WEIGHTS = (2.32, 0.6235, 0.243, 4.345, 1.049, -2.086, -0.4644, -1.124, -0.6829)
CONFIDENCE_BIAS = -18.65


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
    """Whether there is a gap at all (a clear dome of light) and one outline that fits best along its rows.

    About 99.5 % of the generated puzzles answered right pass; photos of text and flat colours never do, and
    bare puzzle backgrounds seldom (see bench/local_solver.py).
    """
    return evidence.glow_fit >= 0.6 and evidence.glow_height >= 60 and evidence.piece_rival <= 0.9
