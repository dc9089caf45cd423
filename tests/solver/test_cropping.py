"""What the paid API is sent: the puzzle alone when it can be found, and never more bytes than pixels."""

from __future__ import annotations

import io
import zlib

from PIL import Image

from bot.solver.cropping import provider_picture
from tests.e2e.images import sample_screenshot

SCALE = 2.5


def phone_capture() -> tuple[bytes, tuple[int, int]]:
    """The sample screenshot (puzzle at 18, 16, 388 px wide) scaled ×2.5 onto a dimmed 1080×2340 page."""
    page = Image.new("RGB", (1080, 2340), (70, 72, 80))
    with Image.open(io.BytesIO(sample_screenshot())) as sample:
        card = sample.convert("RGB").resize((round(sample.width * SCALE), round(sample.height * SCALE)))
    origin = (12, 900)
    page.paste(card, origin)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue(), origin


def test_a_capture_is_cut_to_the_puzzle_and_its_slider_bar_at_its_own_scale() -> None:
    data, (x, y) = phone_capture()
    picture = provider_picture(data)
    assert picture.puzzle is not None
    assert abs(picture.puzzle.x - (x + 18 * SCALE)) <= 3
    assert abs(picture.puzzle.y - (y + 16 * SCALE)) <= 8  # its top is a faint beige on white
    assert abs(picture.puzzle.width - 388 * SCALE) <= 4
    with Image.open(io.BytesIO(picture.data)) as sent:
        assert sent.format == "PNG"
        assert abs(sent.width - 388 * SCALE * 1.06) <= 6  # the puzzle and a margin, not scaled
        assert sent.height > 280 * SCALE  # the slider bar under the puzzle is in the cut


def test_a_picture_without_a_puzzle_is_sent_whole_and_unchanged() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 210, 220)).save(buffer, "JPEG")
    picture = provider_picture(buffer.getvalue())
    assert picture.puzzle is None
    assert picture.data == buffer.getvalue()


def test_megabytes_of_metadata_are_not_sent_with_a_small_picture() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 210, 220)).save(buffer, "PNG")
    png = buffer.getvalue()
    junk = b"x" * 15_000_000
    chunk = len(junk).to_bytes(4, "big") + b"tEXt" + junk + zlib.crc32(b"tEXt" + junk).to_bytes(4, "big")
    bloated = png[:33] + chunk + png[33:]  # right after the IHDR chunk
    picture = provider_picture(bloated)
    assert len(picture.data) < 100_000
    with Image.open(io.BytesIO(picture.data)) as sent:
        assert sent.size == (400, 300)
