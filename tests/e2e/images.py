"""Image bytes for end-to-end tests."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

SAMPLES = Path(__file__).resolve().parents[1] / "data"  # the two real samples, kept in the repository
SAMPLE_OFFSET = 276


def sample_screenshot() -> bytes:
    return (SAMPLES / "bytrade-screenshot.png").read_bytes()


def plain_png(width: int = 400, height: int = 260, colour: tuple[int, int, int] = (200, 220, 240)) -> bytes:
    """A valid image that is no puzzle (the fake provider answers whatever it is told)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def as_jpeg(data: bytes, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
