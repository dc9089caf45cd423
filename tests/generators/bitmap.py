"""What every puzzle generator hands to the screenshot generator: the captcha's bitmap and its truth."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from bot.solver.base import Box


@dataclass(frozen=True, slots=True)
class PuzzleBitmap:
    """The puzzle as the captcha serves it, before any browser, screen or Telegram touches it."""

    image: Image.Image  # RGB
    offset: float  # the true drag offset (gap x − piece x) in pixels of `image`
    piece: Box  # the piece's outline, knobs included, in pixels of `image`
    gap: Box
