"""What else sits on the captcha: a refresh icon in the top-right corner and, sometimes, a faint logo or watermark."""

from __future__ import annotations

import math
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from tests.generators.independent_palette import Colour, colour
from tests.generators.independent_shape import Crop

_SS = 4  # icons are drawn this much larger and shrunk, for smooth curves


def plan_icon(rng: random.Random, width: int) -> Crop | None:
    """Where the refresh icon goes, decided before the gap is placed so the two never overlap."""
    if rng.random() < 0.2:
        return None
    size = round(width * rng.uniform(0.045, 0.08))
    margin = rng.randint(3, 12)
    return Crop(width - margin - size, rng.randint(3, 12), size, size)


def draw_icon(rng: random.Random, picture: Image.Image, where: Crop) -> None:
    d = where.width * _SS
    patch = Image.new("RGBA", (d, d), (0, 0, 0, 0))
    draw = ImageDraw.Draw(patch)
    if rng.random() < 0.4:  # a badge behind the arrows
        badge = (255, 255, 255, rng.randint(120, 230)) if rng.random() < 0.7 else (20, 20, 30, rng.randint(70, 150))
        draw.ellipse((0, 0, d - 1, d - 1), fill=badge)
    ink: Colour = rng.choice(((255, 255, 255), (90, 90, 100), colour(rng, "vivid")))
    fill = (*ink, rng.randint(190, 255))
    radius, stroke = d * rng.uniform(0.27, 0.33), max(2, round(d * rng.uniform(0.09, 0.14)))
    centre = d / 2
    box = (centre - radius, centre - radius, centre + radius, centre + radius)
    start = rng.uniform(0, 360)
    arcs = (
        [(start, start + rng.uniform(270, 320))]
        if rng.random() < 0.5
        else [(start, start + 140), (start + 180, start + 320)]
    )
    for begin, end in arcs:
        draw.arc(box, begin, end, fill=fill, width=stroke)
        angle = math.radians(end)
        ex, ey = centre + (radius - stroke / 2) * math.cos(angle), centre + (radius - stroke / 2) * math.sin(angle)
        along, out = (-math.sin(angle), math.cos(angle)), (math.cos(angle), math.sin(angle))
        head = stroke * 1.6
        draw.polygon(
            [
                (ex + along[0] * head, ey + along[1] * head),
                (ex + out[0] * head, ey + out[1] * head),
                (ex - out[0] * head, ey - out[1] * head),
            ],
            fill=fill,
        )
    small = patch.resize((where.width, where.height), Image.Resampling.LANCZOS)
    picture.paste(small, (where.x, where.y), small)


def draw_watermark(rng: random.Random, picture: Image.Image, avoid: list[Crop]) -> None:
    """A faint word or badge in a free corner; nothing if every corner would touch the piece or the gap."""
    face = font(max(9, round(picture.height * rng.uniform(0.05, 0.09))))
    text = rng.choice(("bytrade", "BYTRADE", "secure check", "captcha", "© verify", "BT", "slide"))
    left, top, right, bottom = (math.ceil(v) for v in face.getbbox(text))
    w, h = right - left + 8, bottom - top + 6
    corners = [(6, picture.height - h - 6), (picture.width - w - 6, picture.height - h - 6), (6, 6)]
    rng.shuffle(corners)
    for x, y in corners:
        spot = Crop(x, y, w, h)
        if all(not overlaps(spot, other) for other in avoid):
            break
    else:
        return
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    ink = (255, 255, 255) if rng.random() < 0.6 else (30, 30, 40)
    alpha = rng.randint(60, 140)
    if rng.random() < 0.3:
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=h // 3, outline=(*ink, alpha), width=1)
    draw.text((4 - left, 3 - top), text, font=face, fill=(*ink, alpha))
    picture.paste(layer, (x, y), layer)


def overlaps(a: Crop, b: Crop) -> bool:
    """Whether two windows share a pixel."""
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own scalable font: no font files to ship, and every machine draws the same glyphs."""
    return ImageFont.load_default(size)
