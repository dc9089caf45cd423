"""The answer as a picture: the member's screenshot with the piece and the gap outlined and an arrow between."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.solver.base import Box

PIECE_COLOUR = (0, 170, 255)
GAP_COLOUR = (255, 60, 60)
ARROW_COLOUR = (20, 170, 60)
SMALL = 600  # narrower screenshots are doubled, so the drawing stays legible on a phone


def render_answer_picture(image: bytes, offset: int, piece: Box, gap: Box) -> bytes:
    picture = Image.open(io.BytesIO(image)).convert("RGB")
    scale = 2 if picture.width < SMALL else 1
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(picture)
    line = max(2, picture.width // 200)
    for box, colour in ((piece, PIECE_COLOUR), (gap, GAP_COLOUR)):
        draw.rectangle(_scaled(box, scale), outline=colour, width=line)

    # The arrow runs from the piece's left edge to the gap's, just below both boxes.
    y = (max(piece.y + piece.height, gap.y + gap.height) + 8) * scale
    y = min(y, picture.height - 4 * line)
    start, end = piece.x * scale, gap.x * scale
    head = 4 * line
    draw.line((start, y, end, y), fill=ARROW_COLOUR, width=line)
    draw.polygon(((end, y), (end - head, y - head // 2 - line), (end - head, y + head // 2 + line)), fill=ARROW_COLOUR)

    label = f"{offset} px"
    font = ImageFont.load_default(size=max(14, picture.width // 25))
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    x = (start + end - (right - left)) // 2
    text_y = max(0, y - (bottom - top) - 3 * line)
    draw.rectangle((x - line, text_y, x + right - left + 2 * line, text_y + bottom + line), fill=(255, 255, 255))
    draw.text((x, text_y), label, fill=ARROW_COLOUR, font=font)

    output = io.BytesIO()
    picture.save(output, "PNG", optimize=True)
    return output.getvalue()


def _scaled(box: Box, scale: int) -> tuple[int, int, int, int]:
    return (box.x * scale, box.y * scale, (box.x + box.width) * scale, (box.y + box.height) * scale)
