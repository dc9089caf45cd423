"""Files held by the fake Telegram: photos in several sizes, documents, and what getFile says about them."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from tests.fakes.telegram.params import JSONDict, bad_request

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # bots may download files up to 20 MB
PHOTO_SCALES = (0.25, 0.5, 1.0)  # smallest first, as Telegram lists them; the last is the original
_UNREADABLE_IMAGE_SIZE = (1280, 960)  # claimed dimensions of bytes that are no image


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_size: int  # as Telegram reports it: may exceed len(source) to play an oversized file
    source: bytes
    scale: float = 1.0  # below 1: a downscaled copy of `source`, rendered on first download
    _rendered: bytes | None = field(default=None, repr=False)

    def content(self) -> bytes:
        if self.scale == 1.0:
            return self.source
        if self._rendered is None:
            self._rendered = _downscale(self.source, self.scale)
        return self._rendered

    def to_api(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height read from the image header, or None when the bytes are no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _downscale(data: bytes, scale: float) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            small = image.convert("RGB").resize((max(1, round(width * scale)), max(1, round(height * scale))))
    except (OSError, ValueError, Image.DecompressionBombError):
        return data  # no image to shrink: serve the bytes as they are
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def _add(self, folder: str, suffix: str, source: bytes, size: int, scale: float = 1.0) -> StoredFile:
        self._count += 1
        number = self._count
        stored = StoredFile(
            f"fake-file-{number}", f"fake-unique-{number}", f"{folder}/file_{number}{suffix}", size, source, scale
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, image: bytes, claimed_size: int | None = None) -> list[JSONDict]:
        """Registers `image` as a photo and returns its PhotoSize list, smallest first.

        Smaller sizes report an estimated file_size and serve a JPEG downscaled on first download.
        """
        width, height = image_size(image) or _UNREADABLE_IMAGE_SIZE
        sizes = []
        for scale in PHOTO_SCALES:
            estimate = max(1, int(len(image) * scale * scale))
            size = claimed_size if claimed_size is not None and scale == 1.0 else estimate
            stored = self._add("photos", ".jpg", image, size, scale)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                    "file_size": stored.file_size,
                }
            )
        return sizes

    def add_document(self, data: bytes, file_name: str, mime_type: str, claimed_size: int | None) -> JSONDict:
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        stored = self._add("documents", suffix, data, len(data) if claimed_size is None else claimed_size)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.file_size,
        }

    def get(self, file_id: str) -> StoredFile:
        if (stored := self._by_id.get(file_id)) is None:
            raise bad_request("invalid file_id")
        return stored

    def downloadable(self, file_id: str) -> StoredFile:
        """The file as getFile hands it out: refused above the 20 MB download limit."""
        stored = self.get(file_id)
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)
