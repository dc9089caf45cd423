"""What the paid API is sent: the located puzzle and its slider bar when the locator is sure, else the picture.

A phone or desktop capture is mostly page; OmoCaptcha's workers answer better, and the upload is smaller, when
they see the puzzle alone. The cut keeps the picture's scale, and an offset is the difference of two x's in the
same picture, so the provider's answer needs no conversion. Only pixels are sent: a file much larger than its
pixels (a small PNG carrying megabytes of metadata) is re-encoded losslessly first.

A small picture is a crop already: it goes to the provider at once, and the puzzle's width (for the answer's
units) is measured while the provider works, once a burst of photos has reached the provider: it is wanted only
with the answer, which takes seconds.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, replace

from PIL import Image

from bot.solver.base import Box, JobCreated, ResumableSolver, Solution
from bot.solver.local.solver import located_area

SURE_AREA = 0.6  # the locator's score from which its first area is the puzzle (bench/local_solver.py)
CUT_MARGIN = 0.03  # of the puzzle's width kept around the puzzle and its slider bar
_BYTES_PER_PIXEL = 4  # a file above this many bytes per pixel carries more than its pixels
CUT_FROM_PIXELS = 500_000  # smaller pictures are sent whole: the puzzle is most of them
# Seconds after which a small picture's puzzle is measured, unless its answer comes sooner. A burst of 200 photos
# reaches the provider in about half a second, which measuring meanwhile made longer, and the provider takes
# seconds (bench/throughput.py --restart, six interleaved pairs: its last job at the provider after 0.60 -> 0.47 s,
# wall 1.36 -> 1.31 D, medians).
MEASURE_AFTER = 1.0


@dataclass(frozen=True, slots=True)
class ProviderPicture:
    data: bytes
    puzzle: Box | None  # in pixels of the member's picture, when the puzzle was located
    small: bool = False  # sent whole without looking for the puzzle: see CUT_FROM_PIXELS


class CroppingSolver:
    """Wraps the paid backend: sends it the puzzle alone when it can be found, and keeps its width."""

    def __init__(self, provider: ResumableSolver) -> None:
        self._provider = provider
        self.name = provider.name
        # One measurement at a time: in a burst, several threads running the locator would take the GIL from
        # the event loop that sends the other photos to the provider (bench/throughput.py).
        self._measuring = asyncio.Semaphore(1)

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        picture = await asyncio.to_thread(provider_picture, image)
        solving = self._provider.solve(picture.data, on_job_created=on_job_created)
        if picture.small:
            answered = asyncio.ensure_future(solving)
            solution, puzzle = await asyncio.gather(answered, self._measure(image, answered))
        else:
            solution, puzzle = await solving, picture.puzzle
        if puzzle is None:
            return solution
        return replace(solution, puzzle_width=puzzle.width, puzzle=puzzle)

    async def _measure(self, image: bytes, answered: asyncio.Future[Solution]) -> Box | None:
        """Where the puzzle is, measured while the provider works, once the photos sent with this one have
        reached it too (MEASURE_AFTER), or as soon as its answer comes; not at all when the provider failed first."""
        await asyncio.wait([answered], timeout=MEASURE_AFTER)
        if answered.done() and (answered.cancelled() or answered.exception() is not None):
            return None  # no answer to give units to; the failure is already on its way to the member
        async with self._measuring:
            return await asyncio.to_thread(puzzle_in, image)

    async def resume(self, job_id: str) -> Solution:
        return await self._provider.resume(job_id)


def provider_picture(data: bytes) -> ProviderPicture:
    """The bytes to send for `data`, and where the puzzle is in it. Synchronous: run it in a worker thread."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            small = width * height < CUT_FROM_PIXELS
            area = None if small else located_area(image, SURE_AREA)  # may decode a large JPEG reduced
        with Image.open(io.BytesIO(data)) as image:
            if area is not None:
                puzzle, slider = area
                return ProviderPicture(_png(image.convert("RGB").crop(_cut(puzzle, slider, width, height))), puzzle)
            if len(data) > _BYTES_PER_PIXEL * width * height:
                return ProviderPicture(_png(image.convert("RGB")), None, small)
            return ProviderPicture(data, None, small)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ProviderPicture(data, None)  # the provider says what it makes of it


def puzzle_in(data: bytes) -> Box | None:
    """Where the puzzle is, when the locator is sure. Synchronous: run it in a worker thread."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            area = located_area(image, SURE_AREA)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return area[0] if area else None


def _cut(puzzle: Box, slider: Box | None, width: int, height: int) -> tuple[int, int, int, int]:
    margin = round(CUT_MARGIN * puzzle.width)
    bottom = slider.y + slider.height if slider else puzzle.y + puzzle.height
    return (
        max(0, puzzle.x - margin),
        max(0, puzzle.y - margin),
        min(width, puzzle.x + puzzle.width + margin),
        min(height, bottom + margin),
    )


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
