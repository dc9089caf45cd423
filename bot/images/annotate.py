"""The answer as a picture: the member's screenshot, the piece and the gap outlined, an arrow between them.

Synchronous and pure: the caller runs it in a worker thread.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.solver.base import Box

PIECE_COLOUR = (0, 170, 255)
GAP_COLOUR = (255, 60, 60)
ARROW_COLOUR = (20, 170, 60)
LABEL_BACKGROUND = (255, 255, 255)
SMALL = 600  # narrower screenshots are doubled, so the drawing stays legible on a phone
LARGEST = 2560  # longest side sent; Telegram shows no more, and sendPhoto allows width + height ≤ 10000
# Telegram stores every photo as a JPEG: a PNG only costs time (23 ms to encode a doubled screenshot, against
# 1.5 ms) and upload. Full chroma keeps the thin coloured outlines sharp.
JPEG_QUALITY = 90
FOCUS_MARGIN = 0.08  # of the puzzle's width kept around it when the picture is cut to the puzzle

Point = tuple[float, float]
Corners = tuple[float, float, float, float]  # left, top, right, bottom


def render_answer_picture(image: bytes, label: str, piece: Box, gap: Box, *, focus: Box | None = None) -> bytes:
    """JPEG of the screenshot with the answer drawn on it.

    With `focus` (the puzzle), the picture is cut to it and a margin: in a phone's or a desktop's capture the
    puzzle is a small part of the screen.
    """
    with Image.open(io.BytesIO(image)) as original:
        picture = original.convert("RGB")
    if focus is not None:
        picture, piece, gap = _cut_to(picture, focus, piece, gap)
    scale = _scale_for(picture.width, picture.height)
    if scale != 1:
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(size, Image.Resampling.BICUBIC)  # as good as Lanczos here, twice as fast
    draw = ImageDraw.Draw(picture)
    line = max(2, round(min(picture.width, picture.height) / 150))
    piece_box, gap_box = _scaled(piece, scale), _scaled(gap, scale)
    draw.rectangle(piece_box, outline=PIECE_COLOUR, width=line)
    draw.rectangle(gap_box, outline=GAP_COLOUR, width=line)

    font = ImageFont.load_default(size=max(14, round(picture.width / 24)))
    text_left, text_top, text_right, text_bottom = draw.textbbox((0, 0), label, font=font)
    text_height = text_bottom - text_top
    y = _arrow_row(piece_box, gap_box, picture.height, line, text_height)
    start, end = piece_box[0], gap_box[0]  # left edge to left edge: exactly the drag
    _arrow(draw, (start, y), (end, y), line)

    text_width = text_right - text_left
    x = min(max(0.0, (start + end - text_width) / 2), picture.width - text_width)
    # The label sits above the arrow, or below it when the arrow runs along the top of the picture.
    text_y = y - 2 * line - text_bottom if y - 2 * line - text_height >= 0 else y + 2 * line - text_top
    pad = line
    draw.rectangle(
        (x + text_left - pad, text_y + text_top - pad, x + text_right + pad, text_y + text_bottom + pad),
        fill=LABEL_BACKGROUND,
    )
    draw.text((x, text_y), label, fill=ARROW_COLOUR, font=font)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def _cut_to(picture: Image.Image, focus: Box, piece: Box, gap: Box) -> tuple[Image.Image, Box, Box]:
    margin = round(FOCUS_MARGIN * focus.width)
    left, top = max(0, focus.x - margin), max(0, focus.y - margin)
    right = min(picture.width, focus.x + focus.width + margin)
    bottom = min(picture.height, focus.y + focus.height + margin)
    if right - left < 2 or bottom - top < 2:
        return picture, piece, gap
    moved = [Box(box.x - left, box.y - top, box.width, box.height) for box in (piece, gap)]
    return picture.crop((left, top, right, bottom)), moved[0], moved[1]


def _scale_for(width: int, height: int) -> float:
    if max(width, height) * 2 <= LARGEST and width < SMALL:
        return 2.0
    if max(width, height) > LARGEST:
        return LARGEST / max(width, height)
    return 1.0


def _scaled(box: Box, scale: float) -> Corners:
    return (box.x * scale, box.y * scale, (box.x + box.width) * scale, (box.y + box.height) * scale)


def _arrow_row(piece: Corners, gap: Corners, height: int, line: int, text_height: float) -> float:
    """Just below both boxes; above them if there is no room below; through the piece if neither fits."""
    spacing = 3 * line
    below = max(piece[3], gap[3]) + spacing
    if below + spacing <= height:
        return below
    above = min(piece[1], gap[1]) - spacing
    if above - spacing - text_height >= 0:
        return above
    return (piece[1] + piece[3]) / 2


def _arrow(draw: ImageDraw.ImageDraw, start: Point, end: Point, line: int) -> None:
    head = 4 * line
    direction = 1 if end[0] >= start[0] else -1
    tip_base = end[0] - direction * head
    draw.line((start, (tip_base, end[1])), fill=ARROW_COLOUR, width=line)
    draw.line((start[0], start[1] - head / 2, start[0], start[1] + head / 2), fill=ARROW_COLOUR, width=line)
    draw.polygon((end, (tip_base, end[1] - head / 2), (tip_base, end[1] + head / 2)), fill=ARROW_COLOUR)
