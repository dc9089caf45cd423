"""Uploads are judged by their content, before anything is charged."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from bot.images.uploads import UnusableImage, inspect_upload


def encoded(format: str, size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 220, 200)).save(buffer, format)
    return buffer.getvalue()


def noisy_png() -> bytes:
    """A PNG whose pixel data does not compress away, so damage to it cannot hide in a run of zeros."""
    buffer = io.BytesIO()
    Image.effect_noise((320, 200), 60).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size, with almost no pixel data behind it: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def damaged_in_the_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(byte ^ 0xFF for byte in data[middle : middle + 64]) + data[middle + 64 :]


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "BMP"])
def test_screenshots_in_common_formats_are_accepted(format: str) -> None:
    upload = inspect_upload(encoded(format))
    assert (upload.format, upload.width, upload.height) == (format, 320, 200)


def test_the_format_is_read_from_the_content_not_from_a_name() -> None:
    assert inspect_upload(encoded("WEBP")).format == "WEBP"  # bytes carry no file name or mime type at all


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "not_an_image"),
        ("Xin chào, đây là văn bản".encode(), "not_an_image"),
        (encoded("PNG")[:300], "corrupt"),
        (encoded("JPEG")[:400], "corrupt"),
        (noisy_png()[:5000], "corrupt"),
        (damaged_in_the_middle(noisy_png()), "corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "corrupt"),
        (png_header_claiming(50_000, 50_000), "too_many_pixels"),
        (png_header_claiming(8_000, 6_000), "too_many_pixels"),
        (encoded("GIF"), "unsupported_format"),
        (encoded("TIFF"), "unsupported_format"),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "unsupported_format"),
        (encoded("PNG", (50, 30)), "too_small"),
    ],
    ids=[
        "empty",
        "pdf",
        "text",
        "truncated-png-header",
        "truncated-jpeg",
        "truncated-png-pixels",
        "damaged-png",
        "png-signature-then-garbage",
        "bomb",
        "over-our-limit",
        "gif",
        "tiff",
        "iphone-heic",
        "tiny",
    ],
)
def test_unusable_files_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(UnusableImage) as refused:
        inspect_upload(data)
    assert refused.value.reason == reason


def test_the_pixel_limit_is_the_callers_to_choose() -> None:
    with pytest.raises(UnusableImage) as refused:
        inspect_upload(encoded("PNG"), max_pixels=320 * 200 - 1)
    assert refused.value.reason == "too_many_pixels"
    assert inspect_upload(encoded("PNG"), max_pixels=320 * 200).width == 320
