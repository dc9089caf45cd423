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
from collections.abc import Iterator, Sequence
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
        first_polls = await self._plan_first_polls(created)
        return await self._await_result(_Job(wire_id, started, created), first_polls, learn=True)

    async def _plan_first_polls(self, created: float) -> tuple[float, ...]:
        """A new job's first polls. While the planner explores, the job waits for its explored delay or until
        the planner has learned, whichever comes first, and in the second case is planned as a later job is:
        otherwise a new bot's first burst is polled up to half the initial delay after its answers are ready."""
        planner = self._planner
        if planner is None:
            return (self._options.first_poll_delay,)
        if not planner.exploring:
            return planner.first_polls()
        (explored,) = planner.first_polls()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(created + min(explored, self._options.deadline)):
                await self._learned.wait()
            return planner.first_polls()
        return (explored,)

    async def resume(self, job_id: str) -> Solution:
        """Poll an existing job from now on: first poll at once (it was created a while ago), same caps."""
        now = asyncio.get_running_loop().time()
        # The provider sent the id as a number; it gets it back as one.
        wire_id = int(job_id) if job_id.isascii() and job_id.isdigit() else job_id
        return await self._await_result(_Job(wire_id, now, now), (0.0,), learn=False)

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

    async def _await_result(self, job: _Job, first_polls: tuple[float, ...], *, learn: bool) -> Solution:
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

    async def _poll_until_answer(self, job: _Job, first_polls: tuple[float, ...], *, learn: bool) -> tuple[int, str]:
        options, loop = self._options, asyncio.get_running_loop()
        schedule = _poll_schedule(first_polls, options.poll_interval, options.deadline)
        answered, failure = False, None
        # The deadline also cuts short a poll still in flight when it passes.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(job.t0 + options.deadline):
                for index, due in enumerate(itertools.islice(schedule, options.max_polls)):
                    await asyncio.sleep(job.t0 + due - loop.time())
                    job.polls += 1
                    sent_at = loop.time() - job.t0
                    try:
                        status = await self._poll(job.wire_id)
                    except (ProviderUnavailable, UnreadableAnswer) as exc:
                        failure = exc
                        logger.warning("OmoCaptcha job %s poll %d: %s", job.id, job.polls, exc)
                        continue
                    answered = True
                    if index == 0 and learn and self._planner is not None:
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


def _poll_schedule(first_polls: tuple[float, ...], interval: float, deadline: float) -> Iterator[float]:
    """Delays from job creation: the planned first polls, then one every `interval`, up to the deadline."""
    leading = [min(delay, deadline) for delay in first_polls]
    for due in itertools.chain(leading, (leading[-1] + step * interval for step in itertools.count(1))):
        if due > deadline:
            return
        yield due


def _is_overloaded(response: httpx.Response) -> bool:
    return response.status_code == 429 or response.status_code >= 500
