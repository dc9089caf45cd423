"""Is an uploaded file a usable screenshot? Decided by its content, before anything is charged."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP"})
MIN_WIDTH, MIN_HEIGHT = 60, 40
DEFAULT_MAX_PIXELS = 40_000_000  # a 4K screenshot has 8 million


@dataclass(frozen=True, slots=True)
class UploadedImage:
    format: str
    width: int
    height: int


class UnusableImage(Exception):
    """Why a file cannot be solved; `reason` is stable and names the text the member reads."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def inspect_upload(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> UploadedImage:
    if not data:
        raise UnusableImage("empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # The header alone gives the size: refuse a bomb before decoding a single pixel.
            if image.width * image.height > max_pixels:
                raise UnusableImage("too_many_pixels")
            if image.format not in ACCEPTED_FORMATS:
                raise UnusableImage("unsupported_format")
            image.load()  # a truncated or damaged file fails here, not in the solver
    except UnidentifiedImageError:
        raise UnusableImage("not_an_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnusableImage("too_many_pixels") from None
    except (OSError, SyntaxError, ValueError):
        raise UnusableImage("corrupt") from None
    if image.width < MIN_WIDTH or image.height < MIN_HEIGHT:
        raise UnusableImage("too_small")
    return UploadedImage(image.format, image.width, image.height)
