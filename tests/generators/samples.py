"""The real sample, as a member would send it from a phone: scaled by the screen's pixel ratio onto a dimmed page,
then through Telegram's photo path. Its truth is the sample's, scaled."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

SAMPLE_OFFSET = 276  # measured by hand on the real screenshot, ± 1
SAMPLE_PUZZLE_WIDTH = 388
SAMPLE_PUZZLE_ORIGIN = (18, 16)  # where the puzzle starts in bytrade-screenshot.png
PHONE_SCREEN = (1290, 2796)  # a 430 × 932 CSS px phone at a pixel ratio of 3
TELEGRAM_LONG_SIDE = 1280


def sample_in_phone_photo(screenshot: bytes, scale: float, *, seed: int = 0) -> tuple[bytes, float]:
    """The screenshot scaled by `scale` on a dimmed phone page, sent as a Telegram photo.

    Returns the JPEG and the scale from the screenshot to it (so the truth is SAMPLE_OFFSET times that).
    """
    rng = random.Random(seed)
    page = Image.new("RGB", PHONE_SCREEN, (246, 247, 250))
    draw = ImageDraw.Draw(page)
    for row in range(40):  # lines of text and a few coloured blocks: the page behind the verification card
        y = 260 + row * 62
        draw.rectangle((60, y, 60 + rng.randint(400, 1150), y + 22), fill=(60, 64, 70))
        if row % 9 == 4:
            draw.rounded_rectangle((60, y - 10, 1230, y + 120), 24, fill=(40, 110, 230))
    page = Image.eval(page, lambda value: int(value * 0.45))  # the overlay's 55 % black
    with Image.open(io.BytesIO(screenshot)) as sample:
        card = sample.convert("RGB")
    card = card.resize((round(card.width * scale), round(card.height * scale)), Image.Resampling.BICUBIC)
    frame = Image.new("RGB", (card.width + 60, card.height + 240), (255, 255, 255))
    frame.paste(card, (30, 200))
    ImageDraw.Draw(frame).text((40, 60), "Security verification", fill=(30, 30, 30), font_size=64)
    page.paste(frame, ((PHONE_SCREEN[0] - frame.width) // 2, 900))
    shrink = TELEGRAM_LONG_SIDE / max(PHONE_SCREEN)
    photo = page.resize((round(page.width * shrink), round(page.height * shrink)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85)
    return buffer.getvalue(), scale * photo.width / page.width
