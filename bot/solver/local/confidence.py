"""What the local solver saw, and how sure that makes it.

The weights are a logistic regression fitted by bench/calibrate_local.py on every kind of picture the bench
knows, and on pictures without a puzzle: the probability that a reading's offset is within 3 px at a 388 px
puzzle width. The solver keeps the most confident reading of a picture, so the fit is on the readings it keeps.
One rule stands outside the fit: a reading with a single witness is never trusted more than ONE_WITNESS_CEILING.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.solver.local.content import ContentMatch
from bot.solver.local.seam import FITS, NEUTRAL
from bot.solver.local.shading import LEADS, NO_LEAD


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
    gap_rival: float = 0.0  # the strongest other candidate's score as a share of this one's (see _Start.rival)
    piece_first: bool = False  # found from the piece's outline (the gap did not glow enough to start from)
    agreeing: int = 0  # readings that started from the other end (gap or piece) and found the same offset
    content_at_gap: float = 0.0  # how well the piece's middle is found again at the gap (bot/solver/local/content.py)
    content_elsewhere: float = 0.0  # and how well at the best other place along its rows
    seam: float = NEUTRAL  # how far the piece's rim is from the gap's surroundings, as a share of elsewhere's (seam.py)
    shading_lead: float = NO_LEAD  # how much more the colours change all along the gap's outline than elsewhere
    # Set once the reading is placed in the picture (bot/solver/local/solver.py):
    area_score: float = 0.0  # how clearly the puzzle's area is a rectangle of its own (bot/solver/local/area.py)
    bordered: int = 0  # sides of the area that are the picture's border rather than edges seen
    magnification: float = 1.0  # the normalized puzzle's width over the area's width in the picture

    @property
    def content_witness(self) -> bool:
        """The piece's middle is found again at the gap clearly, and nowhere else as well."""
        return ContentMatch(self.content_at_gap, self.content_elsewhere).witness

    @property
    def seam_witness(self) -> bool:
        """A piece's outline is plainly there, and its rim fits the gap's surroundings far better than elsewhere's."""
        return self.piece_strength >= PIECE_SEEN and self.seam <= FITS

    @property
    def shading_witness(self) -> bool:
        """A piece's outline is plainly there, and the colours change all along the gap's outline far more than
        anywhere else along its rows."""
        return self.piece_strength >= PIECE_SEEN and self.shading_lead >= LEADS

    @property
    def one_witness(self) -> bool:
        """Found from the piece's outline, and neither a reading that started from a gap, nor the piece's own
        middle, nor its rim, nor the gap's shading put the offset there too."""
        return (
            self.piece_first
            and not self.agreeing
            and not self.content_witness
            and not self.seam_witness
            and not self.shading_witness
        )

    @property
    def piece_seen(self) -> float:
        """How plainly a piece's outline is there, 0 to 1: what its pixels prove counts only as far as this."""
        return min(self.piece_strength / PIECE_SEEN, 1.0)

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
            *self._content_features(),
            self.piece_seen * (1.0 - min(self.seam, 1.0)),
            float(self.piece_first) * self.piece_seen * math.log(min(max(self.shading_lead, 0.1), 20.0)),
            self.area_score,
            self.bordered / 4,
            math.log(self.magnification),
        )

    def _content_features(self) -> tuple[float, float]:
        """How well the piece's middle matched at the gap, and how clearly better than elsewhere.

        Only a match counts: an opaque gap (Bytrade's) hides the texture, which says nothing against the reading.
        And a match counts only as far as a piece's outline is seen there: two flat patches that a shape's edge
        crosses alike match just as well, and without a puzzle in the picture nothing else is there."""
        seen = self.piece_seen
        lead = self.content_at_gap - self.content_elsewhere
        return seen * max(self.content_at_gap, 0.0), seen * max(lead, 0.0)


# Line strength along the piece's outline (Evidence.piece_strength) at which a piece is plainly there: where the
# piece's middle matched at the gap, bench/local_solver.py's right readings measure 11 or more (95 %), the pictures
# without a puzzle that matched 1.4 – 1.6.
PIECE_SEEN = 8.0
# Below both, a reading shows neither a gap's glow nor a piece's line: on bench/calibrate_local.py's seeds, 17 of
# 6386 right readings, and 597 of 4792 in pictures without a puzzle, where the fit gave a plain background 0.55.
_GLOWS = 1.0
_DRAWN = 2.0

CONFIDENCE_WEIGHTS = (
    0.3326,
    1.631,
    -0.5736,
    7.182,
    0.6631,
    -0.6101,
    -0.2971,
    -1.39,
    -4.278,
    -9.945,
    1.624,
    2.334,
    0.9557,
    13.17,
    4.57,
    1.401,
    8.323,
    1.643,
    -0.5367,
)
CONFIDENCE_BIAS = -18.4


# A reading that only the piece's outline supports is right at most 1 time in 2 on another author's puzzles,
# whatever the fit says (bench/calibrate_local.py prints it: 4 of 8 on its seeds, once readings that the piece's
# own pixels confirm at the gap, whose rim fits the gap's surroundings or whose gap's shading follows its outline
# no longer count as such; 96 of 125 before any of these). On bench/local_solver.py's seeds such readings made all
# 9 of the confident mistakes before this ceiling. Our own generators have too few of them for the fit to learn that.
ONE_WITNESS_CEILING = 0.75


def confidence_of(evidence: Evidence) -> float:
    """The probability that this reading puts the offset within 3 px at a 388 px puzzle width."""
    log_odds = CONFIDENCE_BIAS + sum(
        weight * value for weight, value in zip(CONFIDENCE_WEIGHTS, evidence.features(), strict=True)
    )
    return bounded(evidence, 1 / (1 + math.exp(-max(-50.0, min(50.0, log_odds)))))


def bounded(evidence: Evidence, probability: float) -> float:
    """The fitted probability, capped for a reading with one witness only (see ONE_WITNESS_CEILING)."""
    return min(probability, ONE_WITNESS_CEILING) if evidence.one_witness else probability


def looks_like_a_puzzle(evidence: Evidence) -> bool:
    """Whether one outline fits best along the gap's rows, and the gap glows or a piece's outline is drawn at all:
    without these there is no piece to speak of.

    Everything else is weighed by the confidence (see bench/calibrate_local.py).
    """
    return evidence.piece_rival <= 0.95 and (evidence.glow_height >= _GLOWS or evidence.piece_strength >= _DRAWN)
