"""The solve loop's rules: admit and charge an image once, solve it, settle, deliver, recover after a crash.

In the solve loop money moves in two places, each one transaction: the reservation on admission,
and the settlement when the request closes (a refund of everything, or of the difference when a
cheaper backend answered).
A request closes exactly once (conditional UPDATE on its open status), so a resumed or duplicated
job can never settle twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import NotEnoughTokens, change_balance, current_balance
from bot.db.engine import SessionMaker
from bot.db.group_commit import GroupCommit
from bot.db.models import LedgerReason, RequestStatus, SolveRequest, User, utcnow
from bot.db.requests import (
    close_request,
    create_request,
    find_request,
    mark_delivered,
    reopen_refused,
    requests_to_recover,
    update_request,
)
from bot.db.users import ensure_user
from bot.services.outcomes import Admission, Deliver, ImageMessage, Outcome, Verdict
from bot.services.pricing import Prices
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
        return await self._commits.run(lambda session: self._admit(session, message))

    async def _admit(self, session: AsyncSession, message: ImageMessage) -> Admission:
        price = self._prices.reserve
        user_id = message.profile.user_id
        balance = await ensure_user(session, message.profile, initial_tokens=self._initial_tokens)
        request_id = await create_request(
            session,
            chat_id=message.chat_id,
            message_id=message.message_id,
            user_id=user_id,
            language=message.language,
            file_id=message.file_id,
            tokens_charged=price,
        )
        if request_id is None:
            existing = await find_request(session, chat_id=message.chat_id, message_id=message.message_id)
            assert existing is not None
            if not await reopen_refused(session, existing.id, tokens_charged=price):
                verdict = Verdict.ALREADY_SOLVED if existing.status == RequestStatus.SUCCEEDED else Verdict.IN_PROGRESS
                return Admission(verdict, balance=balance, price=price, answer=existing.answer)
            request_id = existing.id
        if price == 0:
            return Admission(Verdict.ACCEPTED, balance=balance, price=price, request_id=request_id)
        try:
            balance = await change_balance(
                session,
                user_id=user_id,
                delta=-price,
                reason=LedgerReason.SOLVE,
                actor="bot",
                request_id=request_id,
            )
        except NotEnoughTokens as exc:
            await update_request(
                session, request_id, status=RequestStatus.REFUSED, error_code="not_enough_tokens", tokens_charged=0
            )
            return Admission(Verdict.NOT_ENOUGH_TOKENS, balance=exc.balance, price=price)
        return Admission(Verdict.ACCEPTED, balance=balance, price=price, request_id=request_id)

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
            await self._commits.run(
                lambda session: update_request(
                    session,
                    job.request_id,
                    status=RequestStatus.SUBMITTED,
                    provider_job_id=provider_job_id,
                    status_message_id=job.status_message_id,
                    submitted_at=utcnow(),
                )
            )

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
        return await self._commits.run(lambda session: self._settle(session, job, solution, error_code))

    async def _settle(
        self, session: AsyncSession, job: _Job, solution: Solution | None, error_code: str | None
    ) -> Outcome | None:
        if solution is not None:
            price = self._prices.of(solution.backend)
            closed = await close_request(
                session,
                job.request_id,
                status=RequestStatus.SUCCEEDED,
                solver=solution.backend,
                provider_job_id=solution.job_id,
                answer=solution.offset,
                raw_answer=solution.raw_answer[:128],
                confidence=solution.confidence,
                status_message_id=job.status_message_id,
            )
        else:
            price = 0
            closed = await close_request(
                session,
                job.request_id,
                status=RequestStatus.FAILED,
                error_code=error_code,
                status_message_id=job.status_message_id,
            )
        if closed is None:  # closed by someone else already: settled there
            return None
        refund = max(closed.tokens_charged - price, 0)
        if refund:
            balance = await change_balance(
                session,
                user_id=closed.user_id,
                delta=refund,
                reason=LedgerReason.REFUND,
                actor="bot",
                request_id=closed.id,
                note=error_code or f"answered by {closed.solver}",
            )
        else:
            balance = await current_balance(session, closed.user_id) or 0
        return Outcome(
            request_id=job.request_id,
            chat_id=job.chat_id,
            message_id=job.message_id,
            status_message_id=job.status_message_id,
            language=job.language,
            balance=balance,
            solution=solution,
            error_code=error_code,
            refunded=refund if solution is None else 0,
            image=job.image,
        )

    async def _redeliver(self, request: SolveRequest) -> None:
        async with self._sessions() as session:
            user = await session.get(User, request.user_id)
        solution = None
        if request.status == RequestStatus.SUCCEEDED and request.answer is not None:
            solution = Solution(
                offset=request.answer,
                raw_answer=request.raw_answer or str(request.answer),
                backend=request.solver or "",
                job_id=request.provider_job_id,
                confidence=request.confidence,
            )
        await self._tell(
            Outcome(
                request_id=request.id,
                chat_id=request.chat_id,
                message_id=request.message_id,
                status_message_id=request.status_message_id,
                language=cast(Language, request.language),
                balance=user.balance if user else 0,
                solution=solution,
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
