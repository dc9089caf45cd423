"""Screenshots as members really send them: the captcha's card over a dimmed phone or desktop page, whole or cropped
by hand, as a PNG or JPEG file or through Telegram's photo path, each with its exact ground truth.

The truth is the puzzle bitmap's own (offset, piece, gap), carried through every step as an affine map of pixel
edges: the browser's resize to CSS width × pixel ratio and the paste at a device pixel, the member's crop, then
Telegram's resize. Every step is an exact scale or shift, so the offset stays a float and the boxes are rounded
only once, at the end.

    python -m tests.generators.capture OUT_DIR [--count N] [--context C] [--seed S]

writes N pictures (seeds S, S+1, …) and a truth .json beside each.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, get_args

from PIL import Image

from bot.solver.base import Box
from tests.generators.bitmap import PuzzleBitmap
from tests.generators.capture_card import Shot
from tests.generators.capture_desktop import desktop_shot
from tests.generators.capture_phone import phone_shot
from tests.generators.puzzle import frame_puzzle, puzzle_bitmap

Context = Literal["phone_photo", "phone_file", "dark", "desktop", "hand_crop", "tight_crop"]
CONTEXTS: tuple[Context, ...] = get_args(Context)
Sending = Literal["photo", "png", "jpeg"]  # through Telegram's photo path, or as a file
TELEGRAM_LONG_SIDE = 1280  # Telegram's largest photo size: pictures sent as photos are shrunk to fit it
# Telegram's clients shrink photos before sending them; mostly with a bilinear filter, some more carefully.
_PHOTO_RESAMPLERS = (Image.Resampling.BILINEAR,) * 3 + (Image.Resampling.BICUBIC,) * 2 + (Image.Resampling.LANCZOS,)


@dataclass(frozen=True, slots=True)
class Capture:
    image: bytes  # exactly what the bot receives: a PNG or JPEG file, or a Telegram photo (JPEG)
    context: Context
    offset: float  # the true drag offset (gap x − piece x) in pixels of `image`
    puzzle: Box  # the puzzle bitmap's displayed rectangle in `image`
    puzzle_width: float  # the same width, unrounded
    slider: Box | None  # the slider bar under the puzzle, when it is in the picture
    piece: Box  # the piece's outline, knobs included
    gap: Box
    telegram_photo: bool  # True when the picture went through Telegram's photo path
    details: dict[str, float | str] = field(default_factory=dict)  # how it was made: sizes, scales, styles


@dataclass(frozen=True, slots=True)
class _Map:
    """Where a point lands in the picture sent: x' = x·scale_x + shift_x, on pixel edges (0 = the left edge)."""

    scale_x: float = 1.0
    scale_y: float = 1.0
    shift_x: float = 0.0
    shift_y: float = 0.0

    def shifted(self, x: float, y: float) -> _Map:
        return _Map(self.scale_x, self.scale_y, self.shift_x + x, self.shift_y + y)

    def scaled(self, x: float, y: float) -> _Map:
        return _Map(self.scale_x * x, self.scale_y * y, self.shift_x * x, self.shift_y * y)

    def then(self, after: _Map) -> _Map:
        return self.scaled(after.scale_x, after.scale_y).shifted(after.shift_x, after.shift_y)

    def box(self, x: float, y: float, width: float, height: float) -> Box:
        x0, y0 = round(x * self.scale_x + self.shift_x), round(y * self.scale_y + self.shift_y)
        x1 = round((x + width) * self.scale_x + self.shift_x)
        y1 = round((y + height) * self.scale_y + self.shift_y)
        return Box(x0, y0, x1 - x0, y1 - y0)


def generate_capture(
    rng: random.Random | int,
    context: Context | None = None,
    puzzle: Callable[[random.Random], PuzzleBitmap] | None = None,
) -> Capture:
    """One picture of a puzzle as a member sends it; `puzzle` draws the bitmap (generate_puzzle's by default)."""
    rng = random.Random(rng) if isinstance(rng, int) else rng
    chosen: Context = context if context is not None else rng.choice(CONTEXTS)
    bitmap = (puzzle or puzzle_bitmap)(rng)
    if chosen == "tight_crop":
        return _tight_crop(rng, bitmap)
    image = bitmap.image.convert("RGB")
    phone_file: Sending = "jpeg" if rng.random() < 0.2 else "png"  # phones save some screenshots as JPEG
    if chosen in ("phone_photo", "phone_file", "dark"):
        shot = phone_shot(rng, image, dark=chosen == "dark")
        sending = "photo" if chosen == "phone_photo" or (chosen == "dark" and rng.random() < 0.5) else phone_file
    elif chosen == "desktop":
        shot = desktop_shot(rng, image, dark=rng.random() < 0.15)
        sending = "photo" if rng.random() < 0.75 else "png"
    else:
        dark = rng.random() < 0.3
        shot = phone_shot(rng, image, dark) if rng.random() < 0.6 else desktop_shot(rng, image, dark)
        sending = "photo" if rng.random() < 0.6 else "png"
    crop = _hand_crop(rng, shot) if chosen == "hand_crop" else (0, 0, *shot.image.size)
    return _send(rng, chosen, bitmap, shot, crop, sending)


def _send(
    rng: random.Random,
    context: Context,
    bitmap: PuzzleBitmap,
    shot: Shot,
    crop: tuple[int, int, int, int],
    sending: Sending,
) -> Capture:
    """Crops the screen to `crop` (x0, y0, x1, y1), sends it, and maps the truth along."""
    placed = shot.placed
    picture = shot.image.crop(crop) if crop != (0, 0, *shot.image.size) else shot.image
    screen = _Map().shifted(-crop[0], -crop[1])
    details = dict(shot.details) | {"screen_width": shot.image.width, "screen_height": shot.image.height}
    if sending == "photo":
        data, final = _telegram_photo(rng, picture, details)
    else:
        data, final = _file(rng, picture, details, sending), picture.size
    screen = screen.scaled(final[0] / picture.width, final[1] / picture.height)

    x, y, width, height = placed.puzzle
    truth = _Map(width / bitmap.image.width, height / bitmap.image.height, x, y).then(screen)
    slider = screen.box(*placed.slider) if _inside(placed.slider, crop) else None
    details |= {
        "bitmap_width": bitmap.image.width,
        "bitmap_height": bitmap.image.height,
        "display_scale": width / bitmap.image.width,
        "final_scale": screen.scale_x,
        "crop": "x".join(str(value) for value in crop),
    }
    return Capture(
        image=data,
        context=context,
        offset=bitmap.offset * truth.scale_x,
        puzzle=truth.box(0, 0, *bitmap.image.size),
        puzzle_width=bitmap.image.width * truth.scale_x,
        slider=slider,
        piece=truth.box(bitmap.piece.x, bitmap.piece.y, bitmap.piece.width, bitmap.piece.height),
        gap=truth.box(bitmap.gap.x, bitmap.gap.y, bitmap.gap.width, bitmap.gap.height),
        telegram_photo=sending == "photo",
        details=details,
    )


def _hand_crop(rng: random.Random, shot: Shot) -> tuple[int, int, int, int]:
    """A loose crop around the card: up to 150 CSS px of page beyond it, or into the card but never the puzzle."""
    card, puzzle, slider = shot.placed.card, shot.placed.puzzle, shot.placed.slider
    reach = round(150 * shot.dpr)

    def edge(card_edge: int, inner_edge: int, outwards: int) -> int:
        """Somewhere beyond the card, or (sometimes) between the card's edge and `inner_edge`."""
        if rng.random() < 0.2:
            return rng.randint(min(card_edge, inner_edge), max(card_edge, inner_edge))
        return card_edge + outwards * rng.randint(0, reach)

    left = edge(card[0], puzzle[0], -1)
    top = edge(card[1], puzzle[1], -1)
    right = edge(card[0] + card[2], puzzle[0] + puzzle[2], 1)
    slider_bottom = slider[1] + slider[3]
    bottom = edge(card[1] + card[3], slider_bottom, 1)
    if rng.random() < 0.08:  # the slider cut off, with the cut below the puzzle
        bottom = rng.randint(puzzle[1] + puzzle[3], slider[1])
    width, height = shot.image.size
    return max(0, left), max(0, top), min(width, right), min(height, bottom)


def _inside(rect: tuple[int, int, int, int], crop: tuple[int, int, int, int]) -> bool:
    x, y, width, height = rect
    return crop[0] <= x and crop[1] <= y and x + width <= crop[2] and y + height <= crop[3]


def _telegram_photo(
    rng: random.Random, picture: Image.Image, details: dict[str, float | str]
) -> tuple[bytes, tuple[int, int]]:
    """What Telegram hands a bot for a photo: the long side shrunk to 1280 when longer, JPEG with 4:2:0 chroma."""
    long_side = max(picture.size)
    if long_side > TELEGRAM_LONG_SIDE:
        shrink = TELEGRAM_LONG_SIDE / long_side
        size = (max(1, round(picture.width * shrink)), max(1, round(picture.height * shrink)))
        resample = rng.choice(_PHOTO_RESAMPLERS)
        picture = picture.resize(size, resample)
        details["photo_resample"] = resample.name.lower()
    quality = rng.randint(70, 90)
    details |= {"format": "JPEG", "jpeg_quality": quality}
    return _jpeg(picture, quality, subsampling=2), picture.size


def _file(rng: random.Random, picture: Image.Image, details: dict[str, float | str], sending: Sending) -> bytes:
    """A screenshot sent as a file keeps its bytes: a PNG, or the high-quality JPEG some phones save."""
    if sending == "png":
        details["format"] = "PNG"
        buffer = io.BytesIO()
        picture.save(buffer, "PNG", compress_level=1)  # the pixels are what matter; zlib at 6 costs 100 ms more
        return buffer.getvalue()
    quality = rng.randint(90, 98)
    details |= {"format": "JPEG", "jpeg_quality": quality}
    return _jpeg(picture, quality, subsampling=rng.choice((0, 2)))


def _jpeg(picture: Image.Image, quality: int, subsampling: int) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, subsampling=subsampling)
    return buffer.getvalue()


def _tight_crop(rng: random.Random, bitmap: PuzzleBitmap) -> Capture:
    """Today's pictures: the puzzle alone, loosely cropped, or with its slider, as generate_puzzle frames them."""
    framed = frame_puzzle(rng, bitmap.image.convert("RGB"))
    width = bitmap.image.width

    def box(rect: Box) -> Box:
        return framed.box(rect.x, rect.y, rect.width, rect.height)

    return Capture(
        image=framed.image,
        context="tight_crop",
        offset=bitmap.offset * framed.scale_x,
        puzzle=framed.puzzle,
        puzzle_width=width * framed.scale_x,
        slider=framed.slider,
        piece=box(bitmap.piece),
        gap=box(bitmap.gap),
        telegram_photo=framed.image_format == "JPEG",  # sized within 1280 and 4:2:0, as Telegram's photos are
        details={
            "framing": framed.framing,
            "format": framed.image_format,
            "jpeg_quality": framed.jpeg_quality or 0,
            "bitmap_width": width,
            "bitmap_height": bitmap.image.height,
            "final_scale": framed.scale_x,
        },
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--context", choices=CONTEXTS)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        capture = generate_capture(seed, args.context)
        stem = f"capture-{seed:05d}-{capture.context}"
        suffix = "png" if capture.image.startswith(b"\x89PNG") else "jpg"
        (out / f"{stem}.{suffix}").write_bytes(capture.image)
        truth = {"seed": seed, "image": f"{stem}.{suffix}"} | {
            name: value for name, value in asdict(capture).items() if name != "image"
        }
        (out / f"{stem}.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
