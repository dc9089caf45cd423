"""The picture a member sends: the puzzle alone or cropped with a margin and the slider bar, maybe rescaled, encoded.

Truth travels through every step: a resize maps pixel edges by its exact factor, so offsets and boxes scale with it.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.solver.base import Box
from tests.generators.independent_extras import font
from tests.generators.independent_palette import Colour

_PROMPTS = (
    "Drag the slider to complete the puzzle",
    "Slide to complete the puzzle",
    "Keo thanh truot de hoan thanh",  # Pillow's built-in font has no Vietnamese accents
    "Swipe right to verify",
    "",
)
_TITLES = ("Security verification", "Please complete the security check", "Xac minh bao mat")


@dataclass(frozen=True, slots=True)
class Framed:
    data: bytes
    scale: float  # new width over old width: what the bitmap's offsets are multiplied by
    puzzle: Box
    boxes: tuple[Box, ...]  # the bitmap's boxes, in pixels of the encoded picture


def frame(rng: random.Random, bitmap: Image.Image, boxes: tuple[Box, ...]) -> Framed:
    if rng.random() < 0.4:
        canvas, at = bitmap, (0, 0)
    else:
        canvas, at = _with_slider(rng, bitmap)
    scale_x = scale_y = 1.0
    if rng.random() < 0.5:
        factor = rng.uniform(0.6, 1.6)
        size = (round(canvas.width * factor), round(canvas.height * factor))
        scale_x, scale_y = size[0] / canvas.width, size[1] / canvas.height
        filters = (Image.Resampling.LANCZOS, Image.Resampling.BICUBIC, Image.Resampling.BILINEAR)
        canvas = canvas.resize(size, rng.choice(filters))

    scale = (scale_x, scale_y)
    whole = Box(x=0, y=0, width=canvas.width, height=canvas.height)
    puzzle = _mapped(Box(x=0, y=0, width=bitmap.width, height=bitmap.height), at, scale, outward=False, within=whole)
    buffer = io.BytesIO()
    if rng.random() < 0.4:
        canvas.save(buffer, format="PNG", compress_level=1)  # the pixels are what matter; zlib at 6 costs 200 ms
    else:
        canvas.save(buffer, format="JPEG", quality=rng.randint(60, 95), subsampling=rng.choice((0, 2)))
    return Framed(
        buffer.getvalue(), scale_x, puzzle, tuple(_mapped(box, at, scale, outward=True, within=puzzle) for box in boxes)
    )


def _mapped(box: Box, at: tuple[int, int], scale: tuple[float, float], outward: bool, within: Box) -> Box:
    """`box` in the encoded picture: grown to whole pixels for the piece and gap, rounded for the puzzle."""
    left, top = (box.x + at[0]) * scale[0], (box.y + at[1]) * scale[1]
    right, bottom = left + box.width * scale[0], top + box.height * scale[1]
    if outward:
        x0, y0, x1, y1 = math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)
    else:
        x0, y0, x1, y1 = round(left), round(top), round(right), round(bottom)
    x0, y0 = max(x0, within.x), max(y0, within.y)
    x1, y1 = min(x1, within.x + within.width), min(y1, within.y + within.height)
    return Box(x=x0, y=y0, width=x1 - x0, height=y1 - y0)


def _with_slider(rng: random.Random, bitmap: Image.Image) -> tuple[Image.Image, tuple[int, int]]:
    """The puzzle on its page with the slider track below, cropped with a margin; returns where the puzzle sits."""
    dark = rng.random() < 0.2
    page: Colour = (rng.randint(22, 40),) * 3 if dark else rng.choice(((255, 255, 255), (rng.randint(238, 248),) * 3))
    side, top = rng.randint(0, 30), rng.randint(0, 30)
    title_size = round(bitmap.height * rng.uniform(0.07, 0.1)) if rng.random() < 0.2 else 0
    title_room = round(title_size * 2) if title_size else 0
    bar = min(60, max(30, round(bitmap.width * rng.uniform(0.09, 0.13))))
    between, bottom = rng.randint(6, 24), rng.randint(0, 20)
    width = bitmap.width + 2 * side
    height = top + title_room + bitmap.height + between + bar + bottom
    canvas = Image.new("RGB", (width, height), page)
    at = (side, top + title_room)
    corners = Image.new("L", bitmap.size, 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, bitmap.width - 1, bitmap.height - 1), rng.randint(0, 10), fill=255)
    canvas.paste(bitmap, at, corners)
    draw = ImageDraw.Draw(canvas)
    grey = (170, 172, 180) if dark else (120, 124, 135)
    if title_size:
        draw.text((side, top + title_size // 3), rng.choice(_TITLES), font=font(title_size), fill=grey)
    track_top = at[1] + bitmap.height + between
    track: Colour = (rng.randint(48, 62),) * 3 if dark else (rng.randint(230, 242), rng.randint(233, 244), 248)
    radius = rng.choice((0, 4, bar // 2))
    draw.rounded_rectangle((side, track_top, side + bitmap.width - 1, track_top + bar - 1), radius, fill=track)
    knob: Colour = rng.choice(((255, 255, 255), (66, 133, 244), (240, 240, 245)))
    draw.rounded_rectangle(
        (side, track_top, side + bar - 1, track_top + bar - 1), radius, fill=knob, outline=(205, 208, 216), width=1
    )
    _draw_grip(rng, draw, side, track_top, bar, (255, 255, 255) if knob == (66, 133, 244) else (70, 120, 230))
    prompt = rng.choice(_PROMPTS)
    if prompt:
        face = font(max(9, round(bar * rng.uniform(0.28, 0.36))))
        _, t, _, b = face.getbbox(prompt)
        draw.text((side + bar + rng.randint(12, 40), track_top + (bar - (b - t)) / 2 - t), prompt, font=face, fill=grey)
    return canvas, at


def _draw_grip(rng: random.Random, draw: ImageDraw.ImageDraw, x: int, y: int, size: int, ink: Colour) -> None:
    """The handle's mark: three bars, an arrow or a chevron pair."""
    cx, cy, unit = x + size / 2, y + size / 2, size / 8
    kind = rng.random()
    if kind < 0.4:
        for k in (-1, 0, 1):
            draw.line((cx + k * unit, cy - 1.3 * unit, cx + k * unit, cy + 1.3 * unit), fill=ink, width=2)
    elif kind < 0.7:
        draw.line((cx - 1.5 * unit, cy, cx + 1.5 * unit, cy), fill=ink, width=2)
        draw.line((cx + 0.6 * unit, cy - unit, cx + 1.5 * unit, cy, cx + 0.6 * unit, cy + unit), fill=ink, width=2)
    else:
        for step in (-0.6, 0.6):
            draw.line(
                (
                    cx + (step - 0.5) * unit,
                    cy - unit,
                    cx + (step + 0.5) * unit,
                    cy,
                    cx + (step - 0.5) * unit,
                    cy + unit,
                ),
                fill=ink,
                width=2,
            )
