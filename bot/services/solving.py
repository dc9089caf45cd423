"""The solve loop's rules: admit and charge an image once, solve it, settle, deliver, recover after a crash.

In the solve loop money moves in two places: the reservation on admission (services/admission) and
the settlement when the request closes (services/settlement: a refund of everything, or of the
difference when a cheaper backend answered). Both, and the record that the provider has a job, run
through one GroupCommit: a burst of photos shares a few transactions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import SessionMaker
from bot.db.group_commit import GroupCommit
from bot.db.models import RequestStatus, SolveRequest, User, utcnow
from bot.db.requests import mark_delivered, requests_to_recover, update_requests
from bot.services.admission import admit_messages
from bot.services.outcomes import Admission, Deliver, ImageMessage, Outcome, stored_solution
from bot.services.pricing import Prices
from bot.services.settlement import Closing, Settled, settle_requests
from bot.solver.base import ResumableSolver, Solution, Solver, SolverError
from bot.texts import Language

log = logging.getLogger(__name__)

RESTARTED = "restarted"  # closed at start-up: it never reached a solver
INTERNAL = "internal"  # our own bug; the user is refunded all the same
DELIVERED_FLUSH_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class _Job:
    request_id: int
    chat_id: int
    message_id: int
    language: Language
    status_message_id: int | None
    image: bytes | None
    downscaled_photo: bool = False


class SolveService:
    def __init__(
        self,
        sessions: SessionMaker,
        solver: Solver,
        deliver: Deliver,
        *,
        prices: Prices,
        initial_tokens: int,
        max_concurrent_jobs: int,
        resumer: ResumableSolver | None = None,
    ) -> None:
        self._sessions = sessions
        self._solver = solver
        self._resumer = resumer
        self._deliver = deliver
        self._prices = prices
        self._initial_tokens = initial_tokens
        self._commits = GroupCommit(sessions)
        self._slots = asyncio.Semaphore(max_concurrent_jobs)
        self._tasks: set[asyncio.Task[None]] = set()
        self._delivered: list[int] = []
        self._flusher: asyncio.Task[None] | None = None

    @property
    def price(self) -> int:
        return self._prices.reserve

    async def admit(self, message: ImageMessage) -> Admission:
        """Create the request for this message and reserve its tokens, once per message."""
        return await self._commits.run(self._admit_many, message)

    def start(self, admission: Admission, message: ImageMessage, image: bytes, status_message_id: int | None) -> None:
        """Solve an admitted request in the background; its outcome goes to `deliver`."""
        assert admission.request_id is not None
        job = _Job(
            admission.request_id,
            message.chat_id,
            message.message_id,
            message.language,
            status_message_id,
            image,
            message.downscaled_photo,
        )
        self._spawn(self._solve(job))

    async def recover(self) -> int:
        """After a restart: resume jobs the provider has, refund those it never got, deliver what was not.

        Returns how many requests needed attention.
        """
        async with self._sessions() as session:
            pending = await requests_to_recover(session)
        for request in pending:
            job = _Job(
                request.id,
                request.chat_id,
                request.message_id,
                cast(Language, request.language),
                request.status_message_id,
                None,
            )
            if request.status == RequestStatus.SUBMITTED and request.provider_job_id and self._resumer:
                log.info("resuming request %s (provider job %s)", request.id, request.provider_job_id)
                self._spawn(self._resume(job, request.provider_job_id))
            elif request.status in (RequestStatus.QUEUED, RequestStatus.SUBMITTED):
                self._spawn(self._close_and_deliver(job, None, RESTARTED))
            else:
                self._spawn(self._redeliver(request))
        return len(pending)

    async def stop(self) -> None:
        """Stop solving; unfinished requests stay open in the database and are recovered on start."""
        pending = [*self._tasks, *([self._flusher] if self._flusher else [])]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self._commits.close()
        await self._flush_delivered(after=0)

    async def wait_idle(self) -> None:
        """Wait until every running solve has been delivered (for benchmarks and tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- internals ---------------------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _solve(self, job: _Job) -> None:
        assert job.image is not None
        image = job.image

        async def job_created(provider_job_id: str) -> None:
            await self._commits.run(self._mark_submitted, (job, provider_job_id))

        await self._run(job, lambda: self._solver.solve(image, on_job_created=job_created))

    async def _resume(self, job: _Job, provider_job_id: str) -> None:
        assert self._resumer is not None
        resumer = self._resumer
        await self._run(job, lambda: resumer.resume(provider_job_id))

    async def _run(self, job: _Job, solve: Callable[[], Awaitable[Solution]]) -> None:
        try:
            async with self._slots:
                solution = await solve()
        except SolverError as exc:
            log.warning("request %s failed: %s (%s)", job.request_id, exc.code, exc)
            await self._close_and_deliver(job, None, exc.code)
        except Exception:
            log.exception("request %s failed with an internal error", job.request_id)
            await self._close_and_deliver(job, None, INTERNAL)
        else:
            await self._close_and_deliver(job, solution, None)

    async def _close_and_deliver(self, job: _Job, solution: Solution | None, error_code: str | None) -> None:
        outcome = await self._close(job, solution, error_code)
        if outcome is not None:
            await self._tell(outcome)

    async def _close(self, job: _Job, solution: Solution | None, error_code: str | None) -> Outcome | None:
        settled = await self._commits.run(
            self._settle_many, Closing(job.request_id, solution, error_code, job.status_message_id)
        )
        if settled is None:  # closed by someone else already: settled there
            return None
        return Outcome(
            request_id=job.request_id,
            chat_id=job.chat_id,
            message_id=job.message_id,
            status_message_id=job.status_message_id,
            language=job.language,
            balance=settled.balance,
            solution=solution,
            error_code=error_code,
            refunded=settled.refunded if solution is None else 0,
            image=job.image,
            downscaled_photo=job.downscaled_photo,
        )

    # -- the batched database work (see GroupCommit) ---------------------------------------------

    async def _admit_many(self, session: AsyncSession, messages: Sequence[ImageMessage]) -> list[Admission]:
        return await admit_messages(session, messages, price=self._prices.reserve, initial_tokens=self._initial_tokens)

    async def _mark_submitted(self, session: AsyncSession, jobs: Sequence[tuple[_Job, str]]) -> list[None]:
        """The provider has these jobs: from now on they are resumed after a crash, never sent again."""
        now = utcnow()
        await update_requests(
            session,
            [
                {
                    "request_id": job.request_id,
                    "status": RequestStatus.SUBMITTED,
                    "provider_job_id": provider_job_id,
                    "status_message_id": job.status_message_id,
                    "submitted_at": now,
                }
                for job, provider_job_id in jobs
            ],
        )
        return [None] * len(jobs)

    async def _settle_many(self, session: AsyncSession, closings: Sequence[Closing]) -> list[Settled | None]:
        return await settle_requests(session, closings, self._prices)

    async def _redeliver(self, request: SolveRequest) -> None:
        async with self._sessions() as session:
            user = await session.get(User, request.user_id)
        await self._tell(
            Outcome(
                request_id=request.id,
                chat_id=request.chat_id,
                message_id=request.message_id,
                status_message_id=request.status_message_id,
                language=cast(Language, request.language),
                balance=user.balance if user else 0,
                solution=stored_solution(request),
                error_code=request.error_code,
                refunded=request.tokens_charged if request.status == RequestStatus.FAILED else 0,
            )
        )

    async def _tell(self, outcome: Outcome) -> None:
        try:
            await self._deliver(outcome)
        except Exception:
            log.exception("could not deliver request %s; it will be retried on the next start", outcome.request_id)
            return
        self._delivered.append(outcome.request_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_delivered(after=DELIVERED_FLUSH_SECONDS))

    async def _flush_delivered(self, *, after: float) -> None:
        """Record deliveries in one write per burst. A crash before it costs at most a repeated answer:
        re-editing a status reply into the same text is a no-op, so members see nothing twice."""
        await asyncio.sleep(after)
        delivered, self._delivered = self._delivered, []
        if delivered:
            async with self._sessions.begin() as session:
                await mark_delivered(session, delivered)
