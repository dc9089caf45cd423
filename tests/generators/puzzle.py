"""Synthetic Bytrade slide puzzles with ground truth, drawn to look like the two real samples.

A flat pastel background with large soft shapes (some darker or greyer), a jigsaw piece at the left edge that
carries the background cut out of its gap (inner light glow, thin outline), the gap further right at the same
height (dark rim, whitish glow), optionally framed as a screenshot with the slider bar below, then rescaled and
encoded the way Telegram hands photos over. The piece outline is a signed distance field, so the true offset is
exact rather than whatever the anti-aliasing happened to do.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bot.solver.base import Box
from tests.generators.bitmap import PuzzleBitmap

FloatArray = npt.NDArray[np.float32]
Side = Literal["flat", "knob", "socket"]
Framing = Literal["puzzle", "loose", "screenshot"]
Outline = Literal["dark", "light"]
ImageFormat = Literal["PNG", "JPEG"]
Colour = tuple[int, int, int]

SAMPLE_PUZZLE_WIDTH = 388  # the real puzzle's width: the UI sizes below are measured on it and scale with it
SLIDER_TEXT = "Drag the slider to complete the puzzle"
_SUPERSAMPLE = 2  # background shapes are drawn this much larger, then reduced, for anti-aliased edges
_FRAMINGS: tuple[Framing, ...] = ("puzzle", "loose", "screenshot", "screenshot")
_RESAMPLERS = (Image.Resampling.BILINEAR, Image.Resampling.BICUBIC, Image.Resampling.LANCZOS)


@dataclass(frozen=True, slots=True)
class PuzzleParams:
    puzzle_width: int
    puzzle_height: int
    piece_size: int  # side of the square body, in puzzle pixels before rescaling
    knob_radius: float
    sides: tuple[Side, Side, Side, Side]  # top, right, bottom, left
    outline: Outline
    gap_alpha: float  # share of the background that shows through the gap's shading
    dark_shapes: int
    framing: Framing
    scale: float
    image_format: ImageFormat
    jpeg_quality: int | None


@dataclass(frozen=True, slots=True)
class GeneratedPuzzle:
    image: bytes
    offset: float  # the true drag offset (gap x − piece x) in pixels of `image`
    piece: Box  # the piece's outline, knobs included, in pixels of `image`
    gap: Box
    piece_body: Box  # the square body alone
    gap_body: Box
    puzzle: Box  # the puzzle bitmap in `image`
    slider: Box | None  # the slider bar under it, when framed as a screenshot
    params: PuzzleParams


@dataclass(frozen=True, slots=True)
class FramedPuzzle:
    """A puzzle bitmap on its page, rescaled and encoded; `box` maps the bitmap's pixels into `image`'s."""

    image: bytes
    framing: Framing
    image_format: ImageFormat
    jpeg_quality: int | None
    scale_x: float  # the final rescale: picture pixels per page pixel
    scale_y: float
    origin: tuple[int, int]  # where the bitmap's top-left corner sits on the page
    puzzle_size: tuple[int, int]
    slider_rect: tuple[int, int, int, int] | None  # x, y, width, height on the page

    def box(self, x: float, y: float, width: float, height: float) -> Box:
        return _scaled_box((self.scale_x, self.scale_y), self.origin, x, y, width, height)

    @property
    def puzzle(self) -> Box:
        return self.box(0, 0, *self.puzzle_size)

    @property
    def slider(self) -> Box | None:
        if self.slider_rect is None:
            return None
        return _scaled_box((self.scale_x, self.scale_y), (0, 0), *self.slider_rect)


@dataclass(frozen=True, slots=True)
class SliderStyle:
    """The slider bar's colours: the sample's light ones by default, darker for pages in dark mode."""

    track: Colour = (238, 241, 248)
    handle: Colour = (255, 255, 255)
    handle_border: Colour = (223, 229, 240)
    grip: Colour = (180, 207, 255)  # the handle's three bars
    text: Colour = (183, 188, 209)


_LIGHT_SLIDER = SliderStyle()


@dataclass(frozen=True, slots=True)
class _PieceShape:
    """A square body with round knobs (out) and sockets (in); coordinates relative to the body's top-left."""

    size: int
    radius: float
    sides: tuple[Side, Side, Side, Side]
    knob_shift: float  # how far a knob's centre sits outside its side, in radii
    socket_shift: float  # how far a socket's centre sits inside its side, in radii

    def extents(self) -> tuple[float, float, float, float]:
        """How far the knobs reach beyond the body: left, top, right, bottom."""
        reach = self.radius * (1 + self.knob_shift)
        top, right, bottom, left = (reach if side == "knob" else 0.0 for side in self.sides)
        return left, top, right, bottom

    def signed_distance(self, xs: FloatArray, ys: FloatArray) -> FloatArray:
        half = self.size / 2
        qx = np.abs(xs - half) - half
        qy = np.abs(ys - half) - half
        outside = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
        distance: FloatArray = outside + np.minimum(np.maximum(qx, qy), 0)
        normals = ((0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0))
        for side, (nx, ny) in zip(self.sides, normals, strict=True):
            if side == "flat":
                continue
            shift = self.knob_shift if side == "knob" else -self.socket_shift
            cx = half + nx * (half + shift * self.radius)
            cy = half + ny * (half + shift * self.radius)
            circle = np.hypot(xs - cx, ys - cy) - self.radius
            distance = np.minimum(distance, circle) if side == "knob" else np.maximum(distance, -circle)
        return distance.astype(np.float32)


@dataclass(frozen=True, slots=True)
class _Drawing:
    """The puzzle bitmap before any framing, with where its piece and gap bodies sit in its pixels."""

    image: Image.Image
    shape: _PieceShape
    piece_x: int
    gap_x: int
    body_y: int
    gap_alpha: float
    outline: Outline
    dark_shapes: int

    def outline_box(self, body_x: int) -> tuple[float, float, float, float]:
        left, top, right, bottom = self.shape.extents()
        size = self.shape.size
        return body_x - left, self.body_y - top, size + left + right, size + top + bottom


def _draw_puzzle(rng: random.Random, puzzle_width: int | None, dark_shapes: int | None) -> _Drawing:
    width = puzzle_width if puzzle_width is not None else rng.randint(300, 700)
    height = round(width * rng.uniform(0.49, 0.55))
    unit = width / SAMPLE_PUZZLE_WIDTH
    if dark_shapes is None:
        dark_shapes = rng.choice((0, 0, 1, 1, 2, 3))
    background = _draw_background(rng, width, height, dark_shapes)

    size = round(width * rng.uniform(0.105, 0.135))
    shape = _PieceShape(
        size=size,
        radius=size * rng.uniform(0.15, 0.19),  # the samples measure 0.165
        sides=_random_sides(rng),
        knob_shift=rng.uniform(-0.1, 0.3),
        socket_shift=rng.uniform(-0.15, 0.15),
    )
    left, top, right, bottom = shape.extents()
    piece_x = math.ceil(left) + rng.randint(1, 5)
    lowest_gap_x = math.ceil(piece_x + size + right + left + size * rng.uniform(0.3, 1.0))
    gap_x = rng.randint(lowest_gap_x, math.floor(width - size - right - rng.uniform(2, 8)))
    body_y = rng.randint(math.ceil(top) + 3, math.floor(height - size - bottom - 3))

    gap_alpha = rng.uniform(0.1, 0.3)
    outline: Outline = rng.choice(("dark", "light"))
    pixels = _render_piece_and_gap(rng, background, shape, (piece_x, gap_x, body_y), unit, gap_alpha, outline)
    image = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8))
    if rng.random() < 0.6:
        _draw_refresh_icon(rng, image, unit)
    return _Drawing(image, shape, piece_x, gap_x, body_y, gap_alpha, outline, dark_shapes)


def generate_puzzle(
    rng: random.Random | int,
    *,
    puzzle_width: int | None = None,
    dark_shapes: int | None = None,
    framing: Framing | None = None,
    scale: float | None = None,
    image_format: ImageFormat | None = None,
    jpeg_quality: int | None = None,
) -> GeneratedPuzzle:
    """One puzzle with its ground truth; every option left as None is drawn from `rng`."""
    rng = random.Random(rng) if isinstance(rng, int) else rng
    drawing = _draw_puzzle(rng, puzzle_width, dark_shapes)
    framed = frame_puzzle(
        rng, drawing.image, framing=framing, scale=scale, image_format=image_format, jpeg_quality=jpeg_quality
    )
    shape, size, body_y = drawing.shape, drawing.shape.size, drawing.body_y
    params = PuzzleParams(
        puzzle_width=drawing.image.width,
        puzzle_height=drawing.image.height,
        piece_size=size,
        knob_radius=shape.radius,
        sides=shape.sides,
        outline=drawing.outline,
        gap_alpha=drawing.gap_alpha,
        dark_shapes=drawing.dark_shapes,
        framing=framed.framing,
        scale=framed.scale_x,
        image_format=framed.image_format,
        jpeg_quality=framed.jpeg_quality,
    )
    return GeneratedPuzzle(
        image=framed.image,
        offset=(drawing.gap_x - drawing.piece_x) * framed.scale_x,
        piece=framed.box(*drawing.outline_box(drawing.piece_x)),
        gap=framed.box(*drawing.outline_box(drawing.gap_x)),
        piece_body=framed.box(drawing.piece_x, body_y, size, size),
        gap_body=framed.box(drawing.gap_x, body_y, size, size),
        puzzle=framed.puzzle,
        slider=framed.slider,
        params=params,
    )


def puzzle_bitmap(rng: random.Random) -> PuzzleBitmap:
    """The puzzle alone, as the captcha serves it: what the screenshot generators put on a page."""
    drawing = _draw_puzzle(rng, None, None)
    piece, gap = (_scaled_box((1, 1), (0, 0), *drawing.outline_box(x)) for x in (drawing.piece_x, drawing.gap_x))
    return PuzzleBitmap(drawing.image, float(drawing.gap_x - drawing.piece_x), piece, gap)


def frame_puzzle(
    rng: random.Random,
    puzzle: Image.Image,
    *,
    framing: Framing | None = None,
    scale: float | None = None,
    image_format: ImageFormat | None = None,
    jpeg_quality: int | None = None,
) -> FramedPuzzle:
    """A puzzle bitmap framed, rescaled and encoded as members used to send it; None options are drawn from `rng`."""
    unit = puzzle.width / SAMPLE_PUZZLE_WIDTH
    layout: Framing = framing if framing is not None else rng.choice(_FRAMINGS)
    framed, origin_x, origin_y, slider = _frame(rng, puzzle, unit, layout)
    if scale is None:
        scale = 1.0 if rng.random() < 0.3 else rng.uniform(0.6, 1.6)
    final = framed
    if scale != 1.0:
        target = (max(1, round(framed.width * scale)), max(1, round(framed.height * scale)))
        final = framed.resize(target, rng.choice(_RESAMPLERS))
    scale_x, scale_y = final.width / framed.width, final.height / framed.height

    if image_format is None:
        image_format = "JPEG" if rng.random() < 0.75 else "PNG"
    if image_format == "JPEG" and jpeg_quality is None:
        jpeg_quality = rng.randint(60, 95)
    quality = jpeg_quality if image_format == "JPEG" else None
    return FramedPuzzle(
        image=_encode(final, image_format, quality),
        framing=layout,
        image_format=image_format,
        jpeg_quality=quality,
        scale_x=scale_x,
        scale_y=scale_y,
        origin=(origin_x, origin_y),
        puzzle_size=puzzle.size,
        slider_rect=slider,
    )


def _scaled_box(
    scale: tuple[float, float], origin: tuple[int, int], x: float, y: float, width: float, height: float
) -> Box:
    """A rectangle placed at `origin` on the page, in pixels of the picture rescaled by `scale`: each edge rounded."""
    (scale_x, scale_y), (origin_x, origin_y) = scale, origin
    x0, y0 = (origin_x + x) * scale_x, (origin_y + y) * scale_y
    x1, y1 = (origin_x + x + width) * scale_x, (origin_y + y + height) * scale_y
    return Box(round(x0), round(y0), round(x1) - round(x0), round(y1) - round(y0))


def text_photo(rng: random.Random | int) -> bytes:
    """A phone photo of a printed page: no piece, no gap, plenty of edges."""
    rng = random.Random(rng) if isinstance(rng, int) else rng
    width, height = rng.randint(500, 1000), rng.randint(400, 800)
    paper = (rng.randint(225, 250), rng.randint(220, 245), rng.randint(205, 235))
    page = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(page)
    font_size = rng.randint(16, 30)
    font = ImageFont.load_default(size=font_size)
    grey = rng.randint(20, 70)
    ink = (grey, grey, grey)
    words = ("invoice", "total", "the", "slider", "payment", "bank", "order", "number", "date", "amount", "we")
    y = rng.randint(10, 40)
    while y < height - font_size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12)))
        draw.text((rng.randint(10, 60), y), line, fill=ink, font=font)
        y += round(font_size * rng.uniform(1.3, 1.8))
    page = page.rotate(rng.uniform(-4, 4), resample=Image.Resampling.BICUBIC, fillcolor=paper)
    lighting = np.linspace(rng.uniform(0.75, 0.95), 1.0, width, dtype=np.float32)[None, :, None]
    sensor_noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 3, (height, width, 1))
    shot = np.asarray(page, dtype=np.float32) * lighting + sensor_noise
    photo = Image.fromarray(np.clip(shot, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7))
    return _encode(photo, "JPEG", rng.randint(70, 90))


def blank_image(rng: random.Random | int) -> bytes:
    """One flat colour."""
    rng = random.Random(rng) if isinstance(rng, int) else rng
    colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
    return _encode(Image.new("RGB", (rng.randint(200, 800), rng.randint(150, 600)), colour), "PNG", None)


def plain_background(rng: random.Random | int) -> bytes:
    """A puzzle background with neither piece nor gap."""
    rng = random.Random(rng) if isinstance(rng, int) else rng
    width = rng.randint(300, 700)
    background = _draw_background(rng, width, round(width * 0.52), rng.choice((0, 1, 2)))
    return _encode(background, "JPEG", rng.randint(60, 95))


def _random_sides(rng: random.Random) -> tuple[Side, Side, Side, Side]:
    while True:
        sides: list[Side] = [rng.choice(("flat", "knob", "socket")) for _ in range(4)]
        if any(side != "flat" for side in sides):
            return sides[0], sides[1], sides[2], sides[3]


def _pastel(rng: random.Random, saturation: tuple[float, float], value: tuple[float, float]) -> Colour:
    red, green, blue = colorsys.hsv_to_rgb(rng.random(), rng.uniform(*saturation), rng.uniform(*value))
    return round(red * 255), round(green * 255), round(blue * 255)


def _draw_background(rng: random.Random, width: int, height: int, dark_shapes: int) -> Image.Image:
    big = Image.new("RGB", (width * _SUPERSAMPLE, height * _SUPERSAMPLE), _pastel(rng, (0.12, 0.4), (0.88, 0.97)))
    draw = ImageDraw.Draw(big)
    count = rng.randint(4, 8)
    dark = set(rng.sample(range(count), min(dark_shapes, count)))
    for index in range(count):
        # Darker, greyer shapes are the hard case: the gap's dark rim barely stands out on them.
        saturation, value = ((0.0, 0.35), (0.45, 0.75)) if index in dark else ((0.1, 0.55), (0.82, 1.0))
        colour = _pastel(rng, saturation, value)
        _draw_shape(rng, draw, width * _SUPERSAMPLE, height * _SUPERSAMPLE, colour)
    return big.resize((width, height), Image.Resampling.LANCZOS)


def _draw_shape(rng: random.Random, draw: ImageDraw.ImageDraw, width: int, height: int, colour: Colour) -> None:
    cx, cy = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
    kind = rng.choice(("circle", "blob", "square", "rectangle", "polygon", "small"))
    if kind == "circle":
        radius = rng.uniform(0.08, 0.3) * width
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    elif kind == "blob":  # overlapping discs, like the sample's soft cyan shape
        for _ in range(rng.randint(2, 3)):
            radius = rng.uniform(0.06, 0.2) * width
            x, y = cx + rng.uniform(-0.1, 0.1) * width, cy + rng.uniform(-0.1, 0.1) * width
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    elif kind in ("square", "small"):
        half = rng.uniform(0.06, 0.16 if kind == "square" else 0.04) * width
        half = max(half, 0.02 * width)
        angle = rng.uniform(0, math.pi / 2)
        corners = [
            (cx + half * math.cos(angle + k * math.pi / 2) * math.sqrt(2),
             cy + half * math.sin(angle + k * math.pi / 2) * math.sqrt(2))
            for k in range(4)
        ]  # fmt: skip
        draw.polygon(corners, fill=colour)
    elif kind == "rectangle":
        half_w, half_h = rng.uniform(0.06, 0.25) * width, rng.uniform(0.06, 0.25) * width
        draw.rounded_rectangle(
            (cx - half_w, cy - half_h, cx + half_w, cy + half_h), radius=rng.uniform(0, 0.02) * width, fill=colour
        )
    else:
        radius = rng.uniform(0.1, 0.3) * width
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(rng.randint(5, 7)))
        draw.polygon([(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in angles], fill=colour)


def _render_piece_and_gap(
    rng: random.Random,
    background: Image.Image,
    shape: _PieceShape,
    where: tuple[int, int, int],
    unit: float,
    gap_alpha: float,
    outline: Outline,
) -> FloatArray:
    """Shade the gap and paint the piece: the gap's background, lit from inside, outlined.

    `where` holds the piece's and the gap's body x and their shared body y. Line widths and glows scale with
    `unit`, as the real puzzle drawn bigger would.
    """
    left, top, right, bottom = shape.extents()
    pad = math.ceil(6 * unit)  # room for the outline, its shadow and anti-aliasing; the page is padded as much
    pixels = np.pad(np.asarray(background, dtype=np.float32), ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    piece_x, gap_x, body_y = (value + pad for value in where)
    x0, x1 = math.floor(-left) - pad, math.ceil(shape.size + right) + pad
    y0, y1 = math.floor(-top) - pad, math.ceil(shape.size + bottom) + pad
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    distance = shape.signed_distance(xs, ys)
    inside = np.clip(0.5 - distance, 0, 1)[..., None]
    depth = np.maximum(-distance, 0)

    gap_rows = slice(body_y + y0, body_y + y1)
    gap_cols = slice(gap_x + x0, gap_x + x1)
    original = pixels[gap_rows, gap_cols].copy()

    # The gap: a grey radial glow, bright in the middle and dark at the rim, over a trace of the background.
    centre_x = shape.size / 2 + (right - left) / 2 + rng.uniform(-0.1, 0.1) * shape.size
    centre_y = shape.size / 2 + (bottom - top) / 2 + rng.uniform(-0.05, 0.12) * shape.size
    reach = shape.size * rng.uniform(0.5, 0.68)
    brightest, darkest = rng.uniform(225, 255), rng.uniform(50, 110)
    falloff = np.clip(np.hypot(xs - centre_x, ys - centre_y) / reach, 0, 1) ** rng.uniform(1.3, 2.1)
    glow = brightest - (brightest - darkest) * falloff
    glow *= 1 - rng.uniform(0.0, 0.25) * np.exp(-depth / (rng.uniform(1.5, 3.0) * unit))
    shaded = gap_alpha * original + (1 - gap_alpha) * glow[..., None]
    pixels[gap_rows, gap_cols] = original * (1 - inside) + shaded * inside

    # The piece: the gap's own background, brightened towards its edges, with a thin outline and faint shadow.
    piece_rows = gap_rows
    piece_cols = slice(piece_x + x0, piece_x + x1)
    glow_inside = rng.uniform(0.15, 0.4) * np.exp(-depth / (rng.uniform(2.0, 5.0) * unit))
    lit = original + (255 - original) * glow_inside[..., None]
    shadow_distance = shape.signed_distance(xs, ys - unit)
    shadow = rng.uniform(0.0, 0.12) * np.exp(-np.maximum(shadow_distance, 0) / (1.2 * unit)) * (shadow_distance > 0)
    under = pixels[piece_rows, piece_cols] * (1 - shadow[..., None])
    painted = under * (1 - inside) + lit * inside
    line = np.clip(rng.uniform(0.5, 0.9) * unit + 0.5 - np.abs(distance), 0, 1)[..., None]
    if outline == "dark":
        stroke = painted * rng.uniform(0.55, 0.8)
    else:
        stroke = painted + (255 - painted) * rng.uniform(0.55, 0.85)
    pixels[piece_rows, piece_cols] = painted * (1 - line) + stroke * line
    return pixels[pad:-pad, pad:-pad]


def _draw_refresh_icon(rng: random.Random, puzzle: Image.Image, unit: float) -> None:
    """The round 'new puzzle' arrows in the top-right corner."""
    draw = ImageDraw.Draw(puzzle)
    radius = 10 * unit
    cx, cy = puzzle.width - 22 * unit, 22 * unit
    colour = _pastel(rng, (0.5, 0.7), (0.7, 0.85))
    stroke = max(1, round(3 * unit))
    bounds = (cx - radius, cy - radius, cx + radius, cy + radius)
    for start in (20.0, 200.0):
        draw.arc(bounds, start, start + 140, fill=colour, width=stroke)
        tip = math.radians(start + 140)
        tx, ty = cx + radius * math.cos(tip), cy + radius * math.sin(tip)
        head = 4 * unit
        draw.polygon([(tx - head, ty), (tx + head, ty), (tx, ty + head * (1 if start < 180 else -1))], fill=colour)


def _frame(
    rng: random.Random, puzzle: Image.Image, unit: float, framing: Framing
) -> tuple[Image.Image, int, int, tuple[int, int, int, int] | None]:
    """Place the puzzle on the page as a user would capture it; returns the image, the puzzle's origin and the
    slider's rectangle (x, y, width, height) when there is one."""
    if framing == "puzzle":
        return puzzle, 0, 0, None
    page_colour = rng.choice(((255, 255, 255), (255, 255, 255), (250, 250, 252)))
    left, top, right = (round(rng.uniform(0, 30) * unit) for _ in range(3))
    below = round(rng.uniform(0, 25) * unit)
    bar_top = puzzle.height + round(rng.uniform(14, 26) * unit)
    bar_height = round(50 * unit)
    content_height = bar_top + bar_height if framing == "screenshot" else puzzle.height
    page = Image.new("RGB", (left + puzzle.width + right, top + content_height + below), page_colour)
    corners = Image.new("L", puzzle.size, 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, puzzle.width - 1, puzzle.height - 1), round(4 * unit), 255)
    page.paste(puzzle, (left, top), corners)
    if framing != "screenshot":
        return page, left, top, None
    draw_slider(page, (left, top + bar_top, puzzle.width, bar_height), unit)
    return page, left, top, (left, top + bar_top, puzzle.width, bar_height)


def draw_slider(
    page: Image.Image, rect: tuple[int, int, int, int], unit: float, style: SliderStyle = _LIGHT_SLIDER
) -> None:
    """The bar under the puzzle at `rect` (x, y, width, height), its sizes measured on the sample times `unit`."""
    x, y, width, height = rect
    draw = ImageDraw.Draw(page)
    draw.rounded_rectangle((x, y, x + width - 1, y + height - 1), round(4 * unit), fill=style.track)
    draw.rounded_rectangle(
        (x, y, x + height - 1, y + height - 1), round(4 * unit), fill=style.handle, outline=style.handle_border
    )
    bar = max(1, round(2 * unit))
    for offset in (18, 24, 30):
        bx = x + round(offset * unit)
        draw.rectangle((bx, y + round(13 * unit), bx + bar - 1, y + height - round(13 * unit)), fill=style.grip)
    font = ImageFont.load_default(size=max(6, round(13 * unit)))
    draw.text((x + 80 * unit, y + height / 2), SLIDER_TEXT, fill=style.text, font=font, anchor="lm")


def _encode(image: Image.Image, image_format: ImageFormat, quality: int | None) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=quality)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()
