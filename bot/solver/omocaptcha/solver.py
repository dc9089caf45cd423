"""The OmoCaptcha backend: createJob once, then getJobResult on a fixed grid until an answer.

The team pays per createJob, so createJob is retried only when no job can exist yet (the connection was
never made, or the provider answered 5xx/429); once the request may have reached the provider, a lost
answer is reported as unavailable instead of paying again. Polls are free but capped by the provider
(about 20 per job), so they run on a grid measured from job creation: t0 + the planned first poll (or a
probe and its follow-up, see poll_planner), then every poll interval, never more than `max_polls`, never
past the deadline.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import logging
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from bot.http_transport import AiohttpTransport
from bot.settings import Settings
from bot.solver.base import (
    Backend,
    JobCreated,
    JobRecord,
    ProviderUnavailable,
    Solution,
    SolverError,
    SolveTimeout,
    Unsolvable,
)
from bot.solver.omocaptcha.answers import (
    Failed,
    JobStatus,
    Pending,
    UnreadableAnswer,
    parse_balance,
    parse_created,
    parse_job_result,
)
from bot.solver.omocaptcha.poll_planner import PollPlanner

logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 32
Delays = AsyncGenerator[float, None]  # seconds from a job's creation, each asked for when the poll before is done
# Failures after which the request cannot have reached the provider, so a retry cannot pay twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class OmoCaptchaOptions:
    type_job_id: str = "43"
    first_poll_delay: float = 3.0  # the fixed first delay without a planner, the planner's start otherwise
    poll_interval: float = 2.0
    max_polls: int = 20
    deadline: float = 120.0  # seconds from job creation
    create_retries: int = 3
    retry_backoff: float = 0.5  # first createJob retry waits this long, each next one twice as long

    def __post_init__(self) -> None:
        if not 1 <= self.max_polls <= 20:
            raise ValueError("max_polls must be in 1..20: OmoCaptcha bans clients that poll more")
        if min(self.first_poll_delay, self.poll_interval, self.deadline) <= 0:
            raise ValueError("delays, interval and deadline must be positive")
        if self.create_retries < 0 or self.retry_backoff < 0:
            raise ValueError("create_retries and retry_backoff must not be negative")

    @classmethod
    def from_settings(cls, settings: Settings) -> OmoCaptchaOptions:
        return cls(
            type_job_id=settings.omocaptcha_type_job_id,
            first_poll_delay=settings.omocaptcha_first_poll_delay,
            poll_interval=settings.omocaptcha_poll_interval,
            max_polls=settings.omocaptcha_max_polls,
            deadline=settings.omocaptcha_deadline,
            create_retries=settings.omocaptcha_create_retries,
        )


def open_omocaptcha_client(base_url: str, timeout: float, *, proxy: str | None = None) -> httpx.AsyncClient:
    """The one client for the OmoCaptcha API; the caller closes it at shutdown.

    A burst of photos queues for a free connection without a deadline: nothing has been sent while
    waiting, and the request's own timeouts start once it has a connection.
    """
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/") + "/",
        timeout=httpx.Timeout(connect=min(timeout, 10.0), read=timeout, write=timeout, pool=None),
        transport=AiohttpTransport(max_connections=MAX_CONNECTIONS, proxy=proxy),
    )


@dataclass(slots=True)
class _Job:
    wire_id: int | str  # as the provider sent it
    started: float  # when the caller asked, for the log line
    t0: float  # when the job was created (or resumed): the poll grid starts here
    polls: int = 0

    @property
    def id(self) -> str:
        return str(self.wire_id)


class OmoCaptchaSolver:
    name: str = Backend.OMOCAPTCHA

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        options: OmoCaptchaOptions,
        planner: PollPlanner | None = None,
    ) -> None:
        self._client = client
        self._key = api_key
        self._options = options
        self._planner = planner
        self._learned = asyncio.Event()  # set once the planner has seen enough first polls to plan them

    def recall(self, seen_after: Sequence[float]) -> None:
        """Start the poll planner from earlier runs' jobs: how long after creation each answer was seen."""
        if self._planner is not None:
            self._planner.seed(seen_after, self._options.poll_interval)

    async def solve(self, image: bytes, *, on_job_created: JobCreated | None = None) -> Solution:
        loop = asyncio.get_running_loop()
        started = loop.time()
        if isinstance(on_job_created, JobRecord):
            await on_job_created.creating(self._planner.estimate if self._planner else None)
        wire_id = await self._create_job(image)
        created = loop.time()
        if on_job_created is not None:
            await on_job_created(str(wire_id))
        return await self._await_result(_Job(wire_id, started, created), self._first_polls(created), learn=True)

    async def _first_polls(self, created: float) -> Delays:
        """A new job's first polls, as delays from its creation: the planner's. While the planner explores, its
        explored poll and, should that find the job pending, the next one, unless the planner learns before
        either: then the planner's. Else a new bot's first burst is polled up to half the initial delay after its
        answers are ready, or a whole poll interval after an explored poll that came too early."""
        planner = self._planner
        if planner is None:
            yield self._options.first_poll_delay
            return
        if planner.exploring:
            (explored,) = planner.first_polls()
            if not await self._learned_by(created + explored):
                yield explored  # asked for more only when that poll did not find the answer
                if not await self._learned_by(created + explored + self._options.poll_interval):
                    return
        for delay in planner.first_polls():
            yield delay

    async def _learned_by(self, when: float) -> bool:
        """Whether the planner has learned by the time `when` on the loop's clock, waiting until then at most."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(when):
                await self._learned.wait()
        return self._learned.is_set()

    async def resume(self, job_id: str) -> Solution:
        """Poll an existing job from now on: first poll at once (it was created a while ago), same caps."""
        now = asyncio.get_running_loop().time()
        # The provider sent the id as a number; it gets it back as one.
        wire_id = int(job_id) if job_id.isascii() and job_id.isdigit() else job_id
        return await self._await_result(_Job(wire_id, now, now), _at_once(), learn=False)

    async def balance(self) -> Decimal:
        response = await self._post("getBalance", {"api_token": self._key}, action="getBalance")
        return parse_balance(response.content, secret=self._key)

    async def _create_job(self, image: bytes) -> int | str:
        payload = {
            "api_token": self._key,
            "data": {"type_job_id": self._options.type_job_id, "image_base64": base64.b64encode(image).decode()},
        }
        for attempt in range(self._options.create_retries + 1):
            try:
                response = await self._client.post("createJob", json=payload)
            except _NOT_SENT as exc:
                failure = type(exc).__name__
            except httpx.RequestError as exc:
                logger.warning("OmoCaptcha createJob: %s after sending; not retried", type(exc).__name__)
                raise ProviderUnavailable(
                    f"OmoCaptcha createJob: {type(exc).__name__} after the request was sent; "
                    "not retried, a job may exist"
                ) from None
            else:
                if not _is_overloaded(response):
                    return parse_created(response.content, secret=self._key)
                failure = f"HTTP {response.status_code}"
            if attempt < self._options.create_retries:
                delay = self._options.retry_backoff * 2**attempt
                logger.warning("OmoCaptcha createJob: %s; retrying in %.2f s", failure, delay)
                await asyncio.sleep(delay)
        logger.warning("OmoCaptcha createJob: %s; giving up after %d tries", failure, attempt + 1)
        raise ProviderUnavailable(f"OmoCaptcha createJob: {failure} after {attempt + 1} tries")

    async def _await_result(self, job: _Job, first_polls: Delays, *, learn: bool) -> Solution:
        loop = asyncio.get_running_loop()
        outcome = "interrupted"  # cancelled, unless a bug escaped
        try:
            offset, raw_answer = await self._poll_until_answer(job, first_polls, learn=learn)
            outcome = "success"
        except SolverError as exc:
            outcome = exc.code
            exc.job_id = exc.job_id or job.id
            raise
        finally:
            logger.info(
                "OmoCaptcha job %s: %s after %d polls in %.2f s", job.id, outcome, job.polls, loop.time() - job.started
            )
        return Solution(
            offset=offset,
            raw_answer=raw_answer,
            backend=self.name,
            job_id=job.id,
            polls=job.polls,
        )

    async def _poll_until_answer(self, job: _Job, first_polls: Delays, *, learn: bool) -> tuple[int, str]:
        options, loop = self._options, asyncio.get_running_loop()
        answered, failure = False, None
        # The deadline also cuts short a poll still in flight when it passes.
        with contextlib.suppress(TimeoutError):
            async with (
                asyncio.timeout_at(job.t0 + options.deadline),
                contextlib.aclosing(_poll_schedule(first_polls, options.poll_interval, options.deadline)) as schedule,
            ):
                while job.polls < options.max_polls and (due := await anext(schedule, None)) is not None:
                    await asyncio.sleep(job.t0 + due - loop.time())
                    first = job.polls == 0
                    job.polls += 1
                    sent_at = loop.time() - job.t0
                    try:
                        status = await self._poll(job.wire_id)
                    except (ProviderUnavailable, UnreadableAnswer) as exc:
                        failure = exc
                        logger.warning("OmoCaptcha job %s poll %d: %s", job.id, job.polls, exc)
                        continue
                    answered = True
                    if first and learn and self._planner is not None:
                        self._planner.record(sent_at, ready=not isinstance(status, Pending))
                        if not self._planner.exploring:
                            self._learned.set()
                    if isinstance(status, Failed):
                        raise Unsolvable(f"OmoCaptcha gave up on job {job.id} ({status.status})")
                    if not isinstance(status, Pending):
                        return status.offset, status.raw_answer
        if failure is not None and not answered:
            raise type(failure)(f"{failure} (every poll of job {job.id} failed)")
        raise SolveTimeout(f"OmoCaptcha job {job.id}: no answer after {job.polls} polls")

    async def _poll(self, wire_id: int | str) -> JobStatus:
        response = await self._post(
            "getJobResult", {"api_token": self._key, "job_id": wire_id}, action=f"getJobResult {wire_id}"
        )
        return parse_job_result(response.content, secret=self._key)

    async def _post(self, path: str, payload: dict[str, Any], *, action: str) -> httpx.Response:
        """A request whose failure to arrive or be answered is simply unavailability (free to repeat)."""
        try:
            response = await self._client.post(path, json=payload)
        except httpx.RequestError as exc:
            raise ProviderUnavailable(f"OmoCaptcha {action}: {type(exc).__name__}") from None
        if _is_overloaded(response):
            raise ProviderUnavailable(f"OmoCaptcha {action}: HTTP {response.status_code}")
        return response


async def _poll_schedule(first_polls: Delays, interval: float, deadline: float) -> Delays:
    """Delays from job creation: the first polls, then one every `interval` after the last, up to the deadline."""
    last = 0.0
    async with contextlib.aclosing(first_polls):
        async for delay in first_polls:
            last = min(delay, deadline)
            yield last
    for step in itertools.count(1):
        if (due := last + step * interval) > deadline:
            return
        yield due


async def _at_once() -> Delays:
    yield 0.0


def _is_overloaded(response: httpx.Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500
