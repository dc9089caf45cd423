"""The photo service: owns a photo from the update that brought it to the answer in the chat.

    take → access, size → download and check the image (the chat shows the bot at work) → reserve the tokens
         → solve (a paid job expected to take a while gets a "solving…" reply) → settle → outbox

An answer is one message: a local answer is ready a few milliseconds after the download, so it comes as the
reply itself; only a paid job expected to take longer than SLOW_ANSWER gets a "solving…" reply, sent once the
job is recorded and edited into the answer later.

Each step that must survive a crash is one transaction in services/bookkeeping.py; what the chat is owed goes
to the outbox in the same transaction. Nothing is lost between them: an update is in the inbox until the photo's
first record; after that the request's status says where a restart picks it up (`recover`):
- queued (charged, no paid job can exist): downloaded and solved again from its file id;
- submitting (a paid job was being created and its id is not known): refunded, and the member is told the truth,
  that it may have reached the solver;
- submitted (the provider has the job): its result is polled again, never paid for twice;
- settled: the outbox delivers whatever is still pending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any

from bot.db.models import RequestStatus
from bot.errors import ErrorCode
from bot.images.uploads import UnusableImage, inspect_upload
from bot.services.access import Access
from bot.services.admission import Admission
from bot.services.backoff import backoff
from bot.services.bookkeeping import Bookkeeper
from bot.services.fair_slots import FairSlots
from bot.services.notices import NotAnswered
from bot.services.outbox import Outbox
from bot.services.ports import Chat, ChatGone, Picture, Refused, TryLater
from bot.services.requests import Job, PhotoRequest, is_private
from bot.settings import AnswerImage
from bot.solver.base import ResumableSolver, Solution, Solver, SolverError

log = logging.getLogger(__name__)

# Telegram's Bot API refuses to hand bots files larger than this.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# While Telegram cannot be reached a download is tried again for this long, then the member is told.
DOWNLOAD_PATIENCE = 600.0
# Seconds of solving from which a member is shown a "solving…" reply rather than only the chat action.
SLOW_ANSWER = 1.5


class _PaidJob:
    """What a paid backend tells about the job it creates (see solver/base.py JobRecord): each fact written at
    once, and the "solving…" reply sent once the job is recorded, when its answer will take a while."""

    def __init__(self, books: Bookkeeper, job: Job, announce: Callable[[Job], Awaitable[Job]]) -> None:
        self.job = job
        self._books = books
        self._announce = announce
        self._slow = False

    async def creating(self, expected_seconds: float | None) -> None:
        await self._books.mark_submitting(self.job.request_id)
        self._slow = expected_seconds is None or expected_seconds > SLOW_ANSWER

    async def __call__(self, job_id: str) -> None:
        await self._books.record_job(self.job.request_id, job_id)
        if self._slow and self.job.placeholder is None:
            self.job = await self._announce(self.job)


class PhotoService:
    def __init__(
        self,
        books: Bookkeeper,
        chat: Chat,
        outbox: Outbox,
        solver: Solver,
        *,
        access: Admission,
        max_concurrent_jobs: int,
        max_jobs_per_user: int,
        answer_image: AnswerImage,
        resumer: ResumableSolver | None = None,
    ) -> None:
        self._books = books
        self._chat = chat
        self._outbox = outbox
        self._solver = solver
        self._access = access
        self._answer_image = answer_image
        self._resumer = resumer
        self._slots = FairSlots(max_concurrent_jobs, max_jobs_per_user)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def price(self) -> int:
        return self._books.price

    def take(self, photo: PhotoRequest) -> None:
        """Carry the photo to its answer, in the background, in its member's turn."""
        self._spawn(self._in_turn(photo.profile.user_id, self._carry(photo)))

    async def recover(self) -> int:
        """Pick up every request an earlier run left open; how many there were."""
        open_jobs = await self._books.open_jobs()
        for open_job in open_jobs:
            job = open_job.job
            log.info("request %s was left %s; picking it up", job.request_id, open_job.status)
            if open_job.status is RequestStatus.QUEUED:
                self._spawn(self._in_turn(job.user_id, self._solve_again(job)))
            elif open_job.status is RequestStatus.SUBMITTED and open_job.provider_job_id and self._resumer:
                self._spawn(self._in_turn(job.user_id, self._resume(job, self._resumer, open_job.provider_job_id)))
            elif open_job.status is RequestStatus.SUBMITTED:
                self._spawn(self._close(job, ErrorCode.UNAVAILABLE))  # no provider configured any more
            else:
                self._spawn(self._close(job, ErrorCode.MAYBE_SUBMITTED))
        return len(open_jobs)

    async def stop(self) -> None:
        """Stop working; every photo in progress is where a restart picks it up."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Until every photo taken has been settled (for tests and benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- the path --------------------------------------------------------------------------------------

    async def _carry(self, photo: PhotoRequest) -> None:
        try:
            image = await self._receive(photo)
        except Exception:
            log.exception("photo %s/%s failed before it was charged", photo.chat_id, photo.message_id)
            await self._turn_away(photo, NotAnswered(photo.language, ErrorCode.INTERNAL))
            return
        if image is None:
            return
        reservation = await self._books.reserve(photo)
        if reservation.message is not None:
            self._outbox.post(reservation.message)
        if reservation.job is not None:
            await self._solve(reservation.job, image)

    async def _receive(self, photo: PhotoRequest) -> bytes | None:
        """The image, when the photo may be solved; otherwise the chat is told why (or nothing), and None."""
        access = await self._access.check(photo)
        if access is Access.IGNORE:
            await self._books.let_go(photo)
            return None
        if isinstance(access, NotAnswered):
            await self._turn_away(photo, access)
            return None
        if photo.file_size is not None and photo.file_size > MAX_DOWNLOAD_BYTES:
            size_mb = photo.file_size / 1024 / 1024
            await self._turn_away(photo, NotAnswered(photo.language, ErrorCode.TOO_BIG, size_mb=size_mb))
            return None
        # Sent alongside the download, it costs the answer no time, and it finds a chat that blocked the bot.
        reachable = asyncio.create_task(self._chat.show_busy(photo.chat_id))
        try:
            image: bytes | UnusableImage = await self._fetch(photo.file_id)
        except UnusableImage as exc:
            image = exc
        if not await reachable:
            log.warning("chat %s refuses the bot: its photo %s is let go", photo.chat_id, photo.message_id)
            await self._books.let_go(photo)
            return None
        if isinstance(image, UnusableImage):
            log.info("refused a photo in chat %s: %s", photo.chat_id, image)
            await self._turn_away(photo, NotAnswered(photo.language, image.reason))
            return None
        return image

    async def _solve(self, job: Job, image: bytes) -> None:
        paid_job = _PaidJob(self._books, job, self._announce)
        outcome = await self._attempt(job, lambda: self._solver.solve(image, on_job_created=paid_job))
        await self._close(paid_job.job, outcome, image)

    async def _solve_again(self, job: Job) -> None:
        """A request charged by an earlier run before any paid job could exist: from its file again."""
        try:
            image = await self._fetch(job.file_id)
        except UnusableImage as exc:
            await self._close(job, exc.reason)
            return
        await self._solve(job, image)

    async def _resume(self, job: Job, resumer: ResumableSolver, provider_job_id: str) -> None:
        await self._close(job, await self._attempt(job, lambda: resumer.resume(provider_job_id)))

    async def _announce(self, job: Job) -> Job:
        """The "solving…" reply, recorded the moment it exists. Without it the answer comes as a new reply."""
        try:
            placeholder = await self._chat.placeholder(job.chat_id, job.message_id, job.language)
        except (TryLater, Refused, ChatGone) as exc:  # a chat gone hears nothing: the outbox will find out
            log.info("no status reply for request %s: %s", job.request_id, exc)
            return job
        await self._books.record_placeholder(job.request_id, placeholder)
        return replace(job, placeholder=placeholder)

    async def _attempt(self, job: Job, solve: Callable[[], Awaitable[Solution]]) -> Solution | ErrorCode:
        try:
            return await solve()
        except SolverError as exc:
            log.warning("request %s failed: %s (%s)", job.request_id, exc.code, exc)
            return exc.code
        except Exception:
            log.exception("request %s failed with an internal error", job.request_id)
            return ErrorCode.INTERNAL

    async def _close(self, job: Job, outcome: Solution | ErrorCode, image: bytes | None = None) -> None:
        message = await self._books.settle(job, outcome)
        if message is None:
            return
        if image is not None and isinstance(outcome, Solution) and outcome.piece and self._pictured(job):
            message = replace(message, picture=Picture(image, outcome))
        self._outbox.post(message)

    def _pictured(self, job: Job) -> bool:
        """Whether the answer comes as the annotated screenshot (ANSWER_IMAGE)."""
        private = self._answer_image is AnswerImage.PRIVATE and is_private(job.chat_id)
        return private or self._answer_image is AnswerImage.ALWAYS

    async def _turn_away(self, photo: PhotoRequest, notice: NotAnswered) -> None:
        self._outbox.post(await self._books.turn_away(photo, notice))

    async def _fetch(self, file_id: str) -> bytes:
        """The file's bytes, checked to be a usable image (UnusableImage otherwise). While Telegram cannot be
        reached, the download is tried again for up to DOWNLOAD_PATIENCE seconds."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + DOWNLOAD_PATIENCE
        waits = backoff()
        while True:
            try:
                data = await self._chat.download(file_id)
            except Refused as exc:
                raise UnusableImage(ErrorCode.DOWNLOAD_FAILED, str(exc)) from None
            except TryLater as exc:
                wait = exc.after or next(waits)
                if loop.time() + wait > give_up:
                    raise UnusableImage(ErrorCode.DOWNLOAD_FAILED, str(exc)) from None
                log.warning("download of %s failed (%s); trying again in %.1f s", file_id, exc, wait)
                await asyncio.sleep(wait)
            else:
                await asyncio.to_thread(inspect_upload, data)
                return data

    async def _in_turn(self, member: int, path: Coroutine[Any, Any, None]) -> None:
        """The photo's whole path in one of the solve slots (services/fair_slots.py): a member's photos beyond
        their share wait undownloaded and uncharged, behind other members' photos, not ahead of them."""
        try:
            async with self._slots.slot(member):
                await path
        finally:
            path.close()  # a path cancelled while waiting for its turn never started

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(_logged(coroutine))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _logged(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        await coroutine
    except Exception:
        # Typically the database failing: the photo stays where its last record says, for the next start.
        log.exception("a photo's path failed; what was recorded is picked up at the next start")
