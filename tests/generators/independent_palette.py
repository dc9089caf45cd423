"""Colours for the independent generator, picked by mood so a puzzle can be pastel, vivid, muted or dark."""

from __future__ import annotations

import colorsys
import random
from typing import Literal

Colour = tuple[int, int, int]
Mood = Literal["pastel", "vivid", "muted", "dark"]

# (saturation, value) ranges; pastel is what Bytrade serves, the others keep a solver from relying on it.
_MOODS: dict[Mood, tuple[tuple[float, float], tuple[float, float]]] = {
    "pastel": ((0.15, 0.55), (0.8, 1.0)),
    "vivid": ((0.55, 0.95), (0.6, 1.0)),
    "muted": ((0.05, 0.35), (0.45, 0.8)),
    "dark": ((0.2, 0.8), (0.12, 0.45)),
}


def colour(rng: random.Random, mood: Mood, hue: float | None = None) -> Colour:
    """A colour of `mood`; `hue` (0–1) pins the hue, else it is random."""
    (s_lo, s_hi), (v_lo, v_hi) = _MOODS[mood]
    h = rng.random() if hue is None else hue % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(s_lo, s_hi), rng.uniform(v_lo, v_hi))
    return round(r * 255), round(g * 255), round(b * 255)


def scheme(rng: random.Random, mood: Mood, count: int) -> list[Colour]:
    """`count` colours of one mood whose hues either cluster (calm pictures) or spread (loud ones)."""
    base = rng.random()
    spread = rng.choice((0.08, 0.2, 0.5, 1.0))
    return [colour(rng, mood, base + rng.uniform(-spread, spread)) for _ in range(count)]


def mixed_mood(rng: random.Random) -> Mood:
    """Mostly pastel like the real captcha, but every mood occurs."""
    moods: tuple[Mood, ...] = ("pastel", "vivid", "muted", "dark")
    return rng.choices(moods, weights=(0.5, 0.2, 0.18, 0.12))[0]


def luminance(rgb: Colour) -> float:
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b
