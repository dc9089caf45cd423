"""The gap (a shaded hole where the piece came from) and the piece (that hole's background, outlined, laid left).

Every effect on the piece is confined to a band ZONE pixels wide inside its outline, so deeper inside, its pixels are
exactly the background at the gap: that is what the tests check the truth against.
"""

from __future__ import annotations

import math
import random

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from tests.generators.independent_backdrop import Picture
from tests.generators.independent_shape import Crop, Jigsaw, Mask, coverage

ZONE = 3.0  # no shading of the piece reaches further than this inside its outline
_MIN_CONTRAST = 26.0  # mean change a gap must make to its background, so a person can always see it


def cut_gap(image: Picture, jigsaw: Jigsaw, x: float, y: float, rng: random.Random) -> None:
    """Shade the gap whose body corner is at (x, y), in place."""
    crop = _around(image, jigsaw, x, y, pad=2)
    m = coverage(jigsaw, x, y, crop)
    view = image[crop.y : crop.y + crop.height, crop.x : crop.x + crop.width]
    base = view.copy()
    rim = m * (1.0 - _depth(m, rng.uniform(1.5, 5.0)))
    ys, xs = np.mgrid[0 : crop.height, 0 : crop.width].astype(np.float32)
    cx = x - crop.x + jigsaw.body * rng.uniform(0.4, 0.6)
    cy = y - crop.y + jigsaw.body * rng.uniform(0.4, 0.6)
    glow = m * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (jigsaw.body * rng.uniform(0.3, 0.55)) ** 2)
    style = rng.choices(("glow", "veil", "shade", "inset", "frost"), weights=(0.35, 0.2, 0.2, 0.15, 0.1))[0]
    if style == "glow":  # grey from a dark rim to a whitish middle, laid over the background like tinted glass
        dark, light = rng.uniform(30, 110), rng.uniform(195, 250)
        tone = dark + (light - dark) * np.clip(glow * 1.3, 0, 1) * (1 - rim)
        tint = rng.uniform(0.0, 0.3)
        target = tone[..., None] * (1 - tint) + tint * base.mean(axis=(0, 1))
        shaded = base + (rng.uniform(0.55, 0.92) * m)[..., None] * (target - base)
    elif style == "veil":  # lighter than its surroundings, with a darker border
        whiten = m * rng.uniform(0.3, 0.6) + glow * rng.uniform(0.0, 0.3)
        shaded = (base + whiten[..., None] * (255 - base)) * (1 - rng.uniform(0.2, 0.5) * rim)[..., None]
    elif style == "shade":  # darker than its surroundings, darkest at the border
        shaded = base * (1 - m * rng.uniform(0.3, 0.6) - rim * rng.uniform(0.1, 0.3))[..., None]
        shaded += (glow * rng.uniform(0.0, 40.0))[..., None]
    elif style == "inset":  # a hole lit from the top left: its top and left walls cast a shadow into it
        dx, dy = rng.uniform(1.5, 4.0), rng.uniform(1.5, 4.0)
        wall = m * _blur(1 - _shifted(m, round(dx), round(dy)), rng.uniform(1.0, 2.5))
        lit = m * _blur(1 - _shifted(m, -round(dx / 2), -round(dy / 2)), 1.0)
        darken = m * rng.uniform(0.15, 0.4) + wall * rng.uniform(0.4, 0.7)
        shaded = base * (1 - darken)[..., None] + (lit * rng.uniform(20, 70))[..., None]
    else:  # frosted glass: the background blurred and whitened, with a dark border
        blurred = _blur_picture(base, rng.uniform(2.0, 4.0))
        whiten = rng.uniform(0.25, 0.5)
        frosted = (blurred + whiten * (255 - blurred)) * (1 - rng.uniform(0.3, 0.6) * rim)[..., None]
        shaded = base + m[..., None] * (frosted - base)
    if rng.random() < 0.35:
        line = coverage(jigsaw, x, y, crop, band=rng.uniform(0.8, 1.8))
        ink = rng.choice((rng.uniform(225, 255), rng.uniform(20, 90)))
        shaded += (line * rng.uniform(0.4, 0.9))[..., None] * (ink - shaded)
    change = float((np.abs(shaded - base).mean(axis=-1) * m).sum() / max(float(m.sum()), 1.0))
    if change < _MIN_CONTRAST:
        shaded = base + (shaded - base) * (_MIN_CONTRAST / max(change, 1.0))
    view[...] = np.clip(shaded, 0, 255)


def lay_piece(
    image: Picture, background: Picture, jigsaw: Jigsaw, x: float, source_x: float, y: float, rng: random.Random
) -> None:
    """Draw the piece with its body corner at (x, y), carrying `background` from `source_x`, in place."""
    crop = _around(image, jigsaw, x, y, pad=6)
    m = coverage(jigsaw, x, y, crop)
    view = image[crop.y : crop.y + crop.height, crop.x : crop.x + crop.width]
    content = _carried(background, crop, source_x - x)
    zone = 1.0 - _depth(m, ZONE)  # 1 at the outline, 0 from about ZONE pixels inside it
    if rng.random() < 0.45:  # bevel lit from the top left
        soft = _blur(m, rng.uniform(1.0, 2.0))
        gy, gx = np.gradient(soft)
        content += ((gx + gy) * m * zone * rng.uniform(60, 140))[..., None]
    if rng.random() < 0.4:  # a soft inner border, darker or lighter than the piece
        border = rng.choice((0.0, 255.0))
        content += (m * zone * rng.uniform(0.15, 0.4))[..., None] * (border - content)
    if rng.random() < 0.35:  # drop shadow on the picture below, seen only outside the piece
        dx, dy = rng.randint(1, 3), rng.randint(1, 3)
        shadow = _blur(_shifted(m, dx, dy), rng.uniform(1.0, 2.5)) * (1 - m) * rng.uniform(0.25, 0.5)
        view *= (1 - shadow)[..., None]
    laid = view + m[..., None] * (content - view)
    line = coverage(jigsaw, x, y, crop, band=rng.uniform(1.0, 2.5))
    inside: npt.NDArray[np.float32] = content[m > 0.5].mean(axis=0)
    pick = rng.random()
    if pick < 0.45:
        ink = _grey(rng.uniform(225, 255))
    elif pick < 0.8:
        ink = _grey(rng.uniform(40, 120))
    else:  # the piece's own colour, darker
        ink = inside * np.float32(0.55)
    if abs(float(ink.mean() - inside.mean())) < 60:  # an outline the piece's own colour would hide the piece
        ink = _grey(30.0 if inside.mean() > 128 else 245.0)
    laid += (line * rng.uniform(0.6, 1.0))[..., None] * (ink - laid)
    view[...] = np.clip(laid, 0, 255)


def _grey(level: float) -> npt.NDArray[np.float32]:
    return np.full(3, level, dtype=np.float32)


def _carried(background: Picture, crop: Crop, shift: float) -> Picture:
    """The background `shift` pixels right of the crop, linearly interpolated between whole pixels."""
    whole = math.floor(shift)
    frac = np.float32(shift - whole)
    columns = np.arange(crop.width) + crop.x + whole
    limit = background.shape[1] - 1
    rows = background[crop.y : crop.y + crop.height]
    left = rows[:, np.clip(columns, 0, limit)]
    right = rows[:, np.clip(columns + 1, 0, limit)]
    return np.asarray(left * (1 - frac) + right * frac, dtype=np.float32)


def _around(image: Picture, jigsaw: Jigsaw, x: float, y: float, pad: int) -> Crop:
    height, width = image.shape[:2]
    x0, y0 = max(0, math.floor(x + jigsaw.left) - pad), max(0, math.floor(y + jigsaw.top) - pad)
    x1 = min(width, math.ceil(x + jigsaw.right) + pad)
    y1 = min(height, math.ceil(y + jigsaw.bottom) + pad)
    return Crop(x0, y0, x1 - x0, y1 - y0)


def _depth(m: Mask, radius: float) -> Mask:
    """0 at the outline, rising to 1 about `radius` pixels inside it, and exactly 1 beyond."""
    return np.asarray(np.clip((_blur(m, radius) - 0.5) * 3.0, 0.0, 1.0) * (m >= 1.0), dtype=np.float32)


def _blur(m: Mask, radius: float) -> Mask:
    image = Image.fromarray(np.round(m * 255).astype(np.uint8))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255.0


def _blur_picture(picture: Picture, radius: float) -> Picture:
    image = Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)


def _shifted(m: Mask, dx: int, dy: int) -> Mask:
    """`m` moved right by dx and down by dy, with empty space coming in."""
    out = np.zeros_like(m)
    h, w = m.shape
    out[max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)] = m[
        max(0, -dy) : h + min(0, -dy), max(0, -dx) : w + min(0, -dx)
    ]
    return out
