"""A second puzzle generator, written without looking at the first, so the local solver meets puzzles it was not
tuned on: Bytrade-like slide puzzles in many more styles, each with its exact drag offset.

    python -m tests.generators.independent OUT_DIR [--count N] [--seed S]

writes N pictures (seeds S, S+1, …) and a truth .json beside each.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from bot.solver.base import Box
from tests.generators.bitmap import PuzzleBitmap
from tests.generators.independent_backdrop import Picture, random_backdrop
from tests.generators.independent_cutout import cut_gap, lay_piece
from tests.generators.independent_extras import draw_icon, draw_watermark, overlaps, plan_icon
from tests.generators.independent_framing import frame
from tests.generators.independent_shape import Crop, Jigsaw, random_jigsaw, snap


@dataclass(frozen=True, slots=True)
class IndependentPuzzle:
    image: bytes  # PNG or JPEG, as a member would send it
    offset: float  # the true drag offset in pixels of `image`
    puzzle: Box  # the captcha's rectangle in `image`
    puzzle_width: float  # its exact width in pixels of `image`, before rounding to the box
    piece: Box
    gap: Box


@dataclass(frozen=True, slots=True)
class Drawing:
    """The puzzle before any encoding, with what a test needs to check the truth against the pixels."""

    background: Picture  # before the gap and the piece were drawn
    image: Image.Image
    jigsaw: Jigsaw
    piece_x: float  # where the jigsaw's body corner is, on the piece and on the gap
    gap_x: float
    y: float

    @property
    def offset(self) -> float:
        return self.gap_x - self.piece_x

    def box(self, x: float) -> Box:
        """The outline's bounding box, knobs included, with the body corner at (x, self.y)."""
        return _outline_box(self.jigsaw, x, self.y)


def draw_independent(rng: random.Random) -> Drawing:
    width = rng.randint(300, 700)
    height = round(width * rng.uniform(0.45, 0.6))
    background = random_backdrop(rng, width, height)
    jigsaw = random_jigsaw(rng, snap(width * rng.uniform(0.09, 0.16)))
    span_x, span_y = jigsaw.right - jigsaw.left, jigsaw.bottom - jigsaw.top
    icon = plan_icon(rng, width)
    piece_x = snap(rng.uniform(0, 0.12 * width)) - jigsaw.left
    for _ in range(30):
        y = snap(rng.uniform(1, height - 1 - span_y)) - jigsaw.top
        gap_x = snap(rng.uniform(0.45 * width, width - 2 - span_x)) - jigsaw.left
        gap = _crop(_outline_box(jigsaw, gap_x, y), 3)
        if icon is None or not overlaps(gap, icon):  # the gap must never hide under the icon
            break
    else:
        icon = None
    image = background.copy()
    cut_gap(image, jigsaw, gap_x, y, rng)
    lay_piece(image, background, jigsaw, piece_x, gap_x, y, rng)
    picture = Image.fromarray(np.round(image).astype(np.uint8))
    if icon is not None:
        draw_icon(rng, picture, icon)
    if rng.random() < 0.3:
        taken = [_crop(_outline_box(jigsaw, piece_x, y), 6), gap]  # 6: the piece's drop shadow
        draw_watermark(rng, picture, taken + ([icon] if icon else []))
    return Drawing(background, picture, jigsaw, piece_x, gap_x, y)


def independent_bitmap(rng: random.Random) -> PuzzleBitmap:
    drawing = draw_independent(rng)
    image = drawing.image
    if rng.random() < 0.25:  # some captcha servers hand out JPEGs
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=rng.randint(70, 92))
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return PuzzleBitmap(image, drawing.offset, drawing.box(drawing.piece_x), drawing.box(drawing.gap_x))


def generate_independent(rng: random.Random | int) -> IndependentPuzzle:
    if isinstance(rng, int):
        rng = random.Random(rng)
    bitmap = independent_bitmap(rng)
    framed = frame(rng, bitmap.image, (bitmap.piece, bitmap.gap))
    piece, gap = framed.boxes
    return IndependentPuzzle(
        image=framed.data,
        offset=bitmap.offset * framed.scale,
        puzzle=framed.puzzle,
        puzzle_width=bitmap.image.width * framed.scale,
        piece=piece,
        gap=gap,
    )


def _outline_box(jigsaw: Jigsaw, x: float, y: float) -> Box:
    left, top = math.floor(x + jigsaw.left), math.floor(y + jigsaw.top)
    right, bottom = math.ceil(x + jigsaw.right), math.ceil(y + jigsaw.bottom)
    return Box(x=left, y=top, width=right - left, height=bottom - top)


def _crop(box: Box, pad: int) -> Crop:
    return Crop(box.x - pad, box.y - pad, box.width + 2 * pad, box.height + 2 * pad)


def _box_json(box: Box) -> dict[str, int]:
    return {"x": box.x, "y": box.y, "width": box.width, "height": box.height}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        puzzle = generate_independent(seed)
        suffix = "png" if puzzle.image.startswith(b"\x89PNG") else "jpg"
        (out / f"independent-{seed:05d}.{suffix}").write_bytes(puzzle.image)
        truth = {
            "seed": seed,
            "image": f"independent-{seed:05d}.{suffix}",
            "offset": puzzle.offset,
            "puzzle_width": puzzle.puzzle_width,
            "puzzle": _box_json(puzzle.puzzle),
            "piece": _box_json(puzzle.piece),
            "gap": _box_json(puzzle.gap),
        }
        (out / f"independent-{seed:05d}.json").write_text(json.dumps(truth, indent=2) + "\n")


if __name__ == "__main__":
    main()
