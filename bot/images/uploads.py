"""Is an uploaded file a usable screenshot? Decided by its content alone, before anything is charged.

Synchronous and pure: the caller runs it in a worker thread.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from bot.errors import ErrorCode

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP"})
MIN_WIDTH, MIN_HEIGHT = 60, 40
DEFAULT_MAX_PIXELS = 40_000_000  # a 4K screenshot has 8 million

# Pillow calls the JPEG files of some phone cameras MPO (a JPEG with extra pictures appended); they are JPEGs.
_SAME_AS = {"MPO": "JPEG"}
# The first bytes of image formats Pillow knows: a file that starts like an image but will not open is damaged,
# not some other kind of file.
_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
)
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"})
_DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


@dataclass(frozen=True, slots=True)
class UploadedImage:
    format: str  # one of ACCEPTED_FORMATS
    width: int
    height: int


class UnusableImage(Exception):
    """Why a file cannot be solved; `reason` is stable and names the text the member reads."""

    def __init__(self, reason: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def inspect_upload(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> UploadedImage:
    """Check format, size and that every pixel decodes; raises UnusableImage otherwise."""
    if not data:
        raise UnusableImage(ErrorCode.EMPTY)
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableImage(ErrorCode.TOO_MANY_PIXELS, str(exc)) from None
        except UnidentifiedImageError:
            raise UnusableImage(_unidentified(data)) from None
        except _DECODING_ERRORS as exc:
            raise UnusableImage(ErrorCode.CORRUPT, str(exc)) from None
    with image:
        image_format = _SAME_AS.get(image.format or "", image.format or "unknown")
        width, height = image.size
        # The header gives the size: a bomb is refused before a single pixel is decoded.
        if width * height > max_pixels:
            raise UnusableImage(ErrorCode.TOO_MANY_PIXELS, f"{width}×{height}")
        if image_format not in ACCEPTED_FORMATS:
            raise UnusableImage(ErrorCode.UNSUPPORTED_FORMAT, image_format)
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            raise UnusableImage(ErrorCode.TOO_SMALL, f"{width}×{height}")
        try:
            image.load()  # a truncated or damaged file fails here, not in the solver
        except _DECODING_ERRORS as exc:
            raise UnusableImage(ErrorCode.CORRUPT, str(exc)) from None
    return UploadedImage(image_format, width, height)


def _unidentified(data: bytes) -> ErrorCode:
    """Why Pillow could not open the file, judging by its first bytes."""
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return ErrorCode.UNSUPPORTED_FORMAT  # an iPhone's HEIC photo, or AVIF: images, just not ones we take
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ErrorCode.CORRUPT
    if data[:2] == b"BM" and data[6:10] == b"\0\0\0\0":  # BMP: its two reserved fields are always zero
        return ErrorCode.CORRUPT
    return ErrorCode.CORRUPT if data.startswith(_SIGNATURES) else ErrorCode.NOT_AN_IMAGE
