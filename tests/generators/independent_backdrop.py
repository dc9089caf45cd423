"""Backgrounds in several styles: flat pastel shapes like Bytrade's, gradients, blurred blobs, stripes, photo-like
fractal textures and busy confetti, sometimes layered, darkened in places or grainy."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from tests.generators.independent_palette import Colour, Mood, colour, mixed_mood, scheme

Picture = npt.NDArray[np.float32]  # H×W×3, 0–255
Style = Callable[[random.Random, np.random.Generator, int, int, Mood], Image.Image]


def random_backdrop(rng: random.Random, width: int, height: int) -> Picture:
    noise = np.random.default_rng(rng.getrandbits(64))
    mood = mixed_mood(rng)
    style = rng.choices(_STYLES, weights=(0.34, 0.14, 0.14, 0.1, 0.18, 0.1))[0]
    picture = style(rng, noise, width, height, mood)
    if style is not _flat_shapes and rng.random() < 0.3:
        _scatter_shapes(rng, picture, rng.randint(1, 4), mood, translucent=True)
    out = np.asarray(picture, dtype=np.float32)
    if rng.random() < 0.25:
        out = out * _shadow_field(rng, noise, width, height)[..., None]
    if rng.random() < 0.3:
        out = out + noise.normal(0.0, rng.uniform(1.0, 5.0), out.shape).astype(np.float32)
    return np.clip(out, 0.0, 255.0)


def _flat_shapes(rng: random.Random, _: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    picture = Image.new("RGB", (width, height), colour(rng, mood))
    _scatter_shapes(rng, picture, rng.randint(4, 11), mood, translucent=rng.random() < 0.3)
    return picture


def _scatter_shapes(rng: random.Random, picture: Image.Image, count: int, mood: Mood, translucent: bool) -> None:
    """Big soft-cornered flat shapes, drawn twice as large and shrunk so their edges are smooth."""
    width, height = picture.size
    layer = picture.resize((width * 2, height * 2), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(layer, "RGBA")
    unit = min(width, height) * 2
    for fill in scheme(rng, mood, count):
        rgba = (*fill, rng.randint(110, 220) if translucent else 255)
        cx, cy = rng.uniform(-0.1, 1.1) * width * 2, rng.uniform(-0.1, 1.1) * height * 2
        size = unit * rng.uniform(0.12, 0.55)
        kind = rng.random()
        if kind < 0.3:
            draw.ellipse((cx - size, cy - size * rng.uniform(0.6, 1.0), cx + size, cy + size), fill=rgba)
        elif kind < 0.5:
            for _ in range(rng.randint(2, 4)):  # a lumpy blob: overlapping discs
                r = size * rng.uniform(0.35, 0.8)
                ox, oy = rng.uniform(-0.6, 0.6) * size, rng.uniform(-0.6, 0.6) * size
                draw.ellipse((cx + ox - r, cy + oy - r, cx + ox + r, cy + oy + r), fill=rgba)
        elif kind < 0.75:
            sides = rng.choice((3, 4, 4, 5, 6))
            turn = rng.uniform(0, 2 * math.pi)
            corners = [
                (
                    cx + size * math.cos(turn + 2 * math.pi * k / sides),
                    cy + size * math.sin(turn + 2 * math.pi * k / sides),
                )
                for k in range(sides)
            ]
            draw.polygon(corners, fill=rgba)
        else:
            bw, bh = size * rng.uniform(0.5, 1.2), size * rng.uniform(0.3, 0.9)
            draw.rounded_rectangle((cx - bw, cy - bh, cx + bw, cy + bh), radius=min(bw, bh) * 0.3, fill=rgba)
    picture.paste(layer.reduce(2))


def _gradient(rng: random.Random, _: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    if rng.random() < 0.6:
        angle = rng.uniform(0, 2 * math.pi)
        t = xs * math.cos(angle) + ys * math.sin(angle)
    else:
        t = np.hypot(xs - rng.uniform(0, width), ys - rng.uniform(0, height))
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    stops = scheme(rng, mood, rng.randint(2, 3))
    return _ramp(t, stops)


def _ramp(t: npt.NDArray[np.float32], stops: list[Colour]) -> Image.Image:
    """Colour each pixel by where `t` (0–1) falls between evenly spaced colour stops."""
    where = np.linspace(0.0, 1.0, len(stops))
    levels = np.linspace(0.0, 1.0, 256)
    table = np.stack([np.interp(levels, where, [c[k] for c in stops]) for k in range(3)], axis=-1).astype(np.uint8)
    return Image.fromarray(table[np.round(t * 255).astype(np.uint8)])


def _blobs(rng: random.Random, _: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    small = Image.new("RGB", (width // 8 + 1, height // 8 + 1), colour(rng, mood))
    draw = ImageDraw.Draw(small)
    for fill in scheme(rng, mood, rng.randint(4, 12)):
        cx, cy, r = rng.uniform(0, small.width), rng.uniform(0, small.height), rng.uniform(2, small.height * 0.45)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
    small = small.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 4.0)))
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _stripes(rng: random.Random, _: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(14, 70)
    phase = (xs * math.cos(angle) + ys * math.sin(angle)) / period
    stops = scheme(rng, mood, rng.randint(2, 4))
    band = np.floor(phase).astype(np.int64) % len(stops)
    table = np.asarray(stops, dtype=np.uint8)
    picture = Image.fromarray(table[band])
    if rng.random() < 0.5:
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, period / 5)))
    return picture


def _texture(rng: random.Random, noise: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    """Fractal noise through a colour ramp, sometimes split by a horizon, which reads as a blurry photo."""
    t = _fractal(rng, noise, width, height)
    picture = _ramp(t, scheme(rng, mood, rng.randint(3, 5)))
    if rng.random() < 0.5:
        sky = _ramp(_fractal(rng, noise, width, height), scheme(rng, rng.choice(("pastel", "muted")), 2))
        horizon = Image.new("L", (width, height), 0)
        level = rng.uniform(0.25, 0.7) * height
        ImageDraw.Draw(horizon).polygon(
            [(0, level + rng.uniform(-20, 20)), (width, level + rng.uniform(-20, 20)), (width, 0), (0, 0)], fill=255
        )
        picture = Image.composite(sky, picture, horizon.filter(ImageFilter.GaussianBlur(rng.uniform(1, 6))))
    return picture


def _fractal(rng: random.Random, noise: np.random.Generator, width: int, height: int) -> npt.NDArray[np.float32]:
    total = np.zeros((height, width), dtype=np.float32)
    cell, weight = rng.uniform(60, 160), 1.0
    while cell >= 3:
        grid = noise.random((max(2, round(height / cell) + 2), max(2, round(width / cell) + 2)))
        smooth = Image.Resampling.BICUBIC if weight == 1.0 else Image.Resampling.BILINEAR  # finer octaves hide bilinear
        layer = Image.fromarray((grid * 255).astype(np.uint8)).resize((width, height), smooth)
        total += weight * np.asarray(layer, dtype=np.float32)
        cell, weight = cell / 2, weight * rng.uniform(0.4, 0.65)
    low, high = float(total.min()), float(total.max())
    return np.asarray((total - low) / max(high - low, 1.0), dtype=np.float32)


def _confetti(rng: random.Random, _: np.random.Generator, width: int, height: int, mood: Mood) -> Image.Image:
    """A busy picture: many small shapes and lines, the hardest ground for an edge-based solver."""
    picture = Image.new("RGB", (width, height), colour(rng, mood))
    draw = ImageDraw.Draw(picture)
    for fill in scheme(rng, mood, rng.randint(30, 90)):
        x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(3, 28)
        kind = rng.random()
        if kind < 0.4:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        elif kind < 0.7:
            draw.rectangle((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=fill)
        else:
            draw.line((x, y, x + rng.uniform(-60, 60), y + rng.uniform(-60, 60)), fill=fill, width=rng.randint(1, 5))
    if rng.random() < 0.4:
        picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.0)))
    return picture


def _shadow_field(rng: random.Random, noise: np.random.Generator, width: int, height: int) -> Picture:
    """A multiplier below 1 in some soft region: a vignette or a dark cloud, so parts of the picture are darker."""
    if rng.random() < 0.5:
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        r = np.hypot((xs - width / 2) / width, (ys - height / 2) / height)
        return np.asarray(1.0 - rng.uniform(0.3, 0.8) * np.clip(r * 1.6, 0, 1) ** 2, dtype=np.float32)
    field = _fractal(rng, noise, width, height)
    return np.asarray(1.0 - rng.uniform(0.3, 0.7) * np.clip(field * 2 - 0.6, 0, 1), dtype=np.float32)


_STYLES: tuple[Style, ...] = (_flat_shapes, _gradient, _blobs, _stripes, _texture, _confetti)
