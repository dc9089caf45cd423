"""Uploads are judged by their content before anything is charged."""

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


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, with no pixel data behind it: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "BMP"])
def test_screenshots_in_common_formats_are_accepted(format: str) -> None:
    assert inspect_upload(encoded(format)).format == format
    assert (inspect_upload(encoded(format)).width, inspect_upload(encoded(format)).height) == (320, 200)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "not_an_image"),
        ("Xin chào, đây là văn bản".encode(), "not_an_image"),
        (encoded("PNG")[:300], "corrupt"),
        (encoded("JPEG")[:400], "corrupt"),
        (png_header_claiming(50_000, 50_000), "too_many_pixels"),
        (encoded("GIF"), "unsupported_format"),
        (encoded("PNG", (40, 30)), "too_small"),
    ],
    ids=["empty", "pdf", "text", "truncated-png", "truncated-jpeg", "bomb", "gif", "tiny"],
)
def test_unusable_files_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(UnusableImage) as refused:
        inspect_upload(data)
    assert refused.value.reason == reason
