"""Every durable step of a photo, each one function with its own transaction.

The money path, in the order a photo takes it:
- `reserve`: the request row and the charge (a conditional UPDATE and its ledger row), or the refusal;
- `mark_submitting`, just before a paid job may be created, and `record_job`, the moment its id is known: after
  a crash, a request in between may have a job at the provider that nobody knows of; and only then;
- `settle`: the request closes once, keeps the price of the backend that answered, refunds the rest.
What the chat is owed is written to the outbox in the same transaction as the step that decides it, and the
update that brought the photo is marked handled in the same transaction as the photo's first record.

Each step is done for every photo waiting at it at once (db/batch.py says why), so the functions below take the
photos at that step together; a photo's path calls the step for itself alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, NotEnoughTokens, change_balances, current_balances
from bot.db.batch import Batched
from bot.db.engine import SessionMaker
from bot.db.inbox import mark_handled
from bot.db.models import LedgerReason, RequestStatus, SolveRequest, utcnow
from bot.db.outbox import NewMessage, add_messages
from bot.db.requests import (
    NewRequest,
    create_requests,
    find_request,
    move_requests,
    open_among,
    open_requests,
    reopen_refused,
    update_requests,
)
from bot.db.users import ensure_users, usernames
from bot.errors import ErrorCode
from bot.services.notices import Answered, NotAnswered, Notice, Refund, Render
from bot.services.ports import OutgoingMessage
from bot.services.pricing import Prices
from bot.services.requests import Job, PhotoRequest
from bot.solver.base import Solution
from bot.texts import Language

Outcome = Solution | ErrorCode  # how a solve ended: the answer, or why there is none


@dataclass(frozen=True, slots=True)
class Reservation:
    job: Job | None = None  # charged: to be solved
    message: OutgoingMessage | None = None  # what the chat is told instead: not enough tokens, the earlier answer


@dataclass(frozen=True, slots=True)
class OpenJob:
    job: Job
    status: RequestStatus
    provider_job_id: str | None


@dataclass(frozen=True, slots=True)
class _Closing:
    """A request that a settlement closes: the photo's job, how it ended, and what goes back to its sender."""

    index: int  # among the settlements of the transaction
    job: Job
    outcome: Outcome
    answered_at: datetime
    user_id: int
    refund: int


@dataclass(frozen=True, slots=True)
class _Owed:
    """A message decided in a step, written with the others of its transaction."""

    chat_id: int
    reply_to: int
    replaces: int | None
    request_id: int | None
    notice: Notice
    reports: tuple[int, ...] = ()  # answers: the requests whose ✅/❌ buttons go under it


class Bookkeeper:
    def __init__(
        self, sessions: SessionMaker, render: Render, *, prices: Prices, initial_tokens: int, admins: frozenset[int]
    ) -> None:
        self._sessions = sessions
        self._render = render
        self._prices = prices
        self._initial_tokens = initial_tokens
        self._admins = admins
        self._reserve = Batched(sessions, self._reserve_all)
        self._record_placeholder = Batched(sessions, self._record_placeholders)
        self._mark_submitting = Batched(sessions, self._mark_all_submitting)
        self._record_job = Batched(sessions, self._record_jobs)
        self._settle = Batched(sessions, self._settle_all)

    @property
    def price(self) -> int:
        """What a photo reserves."""
        return self._prices.reserve

    # -- the steps, for one photo ------------------------------------------------------------------------

    async def turn_away(self, photo: PhotoRequest, notice: NotAnswered) -> OutgoingMessage:
        """The photo will not be solved, and nothing was charged: the chat is told why."""
        async with self._sessions.begin() as session:
            await mark_handled(session, [photo.update_id])
            (message,) = await self._owe(session, [_Owed(photo.chat_id, photo.message_id, None, None, notice)])
        return message

    async def let_go(self, photo: PhotoRequest) -> None:
        """The photo is ignored, and nobody is told (a group that was told once it is not served)."""
        async with self._sessions.begin() as session:
            await mark_handled(session, [photo.update_id])

    async def reserve(self, photo: PhotoRequest) -> Reservation:
        """The photo's request, charged once per message; or what the chat is told instead."""
        return await self._reserve(photo)

    async def record_placeholder(self, request_id: int, message_id: int) -> None:
        """The "solving…" reply exists: whatever happens next, it is edited into the answer or removed."""
        await self._record_placeholder((request_id, message_id))

    async def mark_submitting(self, request_id: int) -> None:
        """A paid job may be created from now on: after a crash, it may exist."""
        await self._mark_submitting(request_id)

    async def record_job(self, request_id: int, provider_job_id: str) -> None:
        """The provider has this job: after a crash it is resumed, never paid for again.

        Stamped now, not when the shared transaction runs (and so is the answer in `settle`): a restarted bot's
        poll planner learns the provider's solve time from the two (db/history.py answer_delays), and in a burst
        that transaction may run tenths of a second later, which made the provider look faster than it is."""
        await self._record_job((request_id, provider_job_id, utcnow()))

    async def settle(self, job: Job, outcome: Outcome) -> OutgoingMessage | None:
        """Close the request once, keep the price of the backend that answered and refund the rest, and owe the
        chat the answer or the reason. None if it was settled before, or when nobody is left to tell."""
        return await self._settle((job, outcome, utcnow()))

    async def open_jobs(self) -> list[OpenJob]:
        """Requests charged and not settled, oldest first: what a restart picks up."""
        async with self._sessions() as session:
            requests = await open_requests(session)
        return [
            OpenJob(
                Job(
                    request.id,
                    request.user_id,
                    request.chat_id,
                    request.message_id,
                    cast(Language, request.language),
                    request.file_id or "",
                    request.downscaled_photo,
                    request.status_message_id,
                ),
                RequestStatus(request.status),
                request.provider_job_id,
            )
            for request in requests
        ]

    # -- the steps, for every photo at them ----------------------------------------------------------------

    async def _reserve_all(self, session: AsyncSession, photos: Sequence[PhotoRequest]) -> list[Reservation]:
        """In arrival order: 20 photos on 5 tokens are 5 charges and 15 refusals, whether together or not."""
        price = self._prices.reserve
        await mark_handled(session, [photo.update_id for photo in photos])
        balances = await ensure_users(session, [photo.profile for photo in photos], initial_tokens=self._initial_tokens)
        created = await create_requests(session, [_new_request(photo, price) for photo in photos])
        jobs: dict[int, Job] = {}  # by index in `photos`
        to_charge: list[tuple[int, int]] = []  # (index, request id)
        earlier: list[tuple[int, SolveRequest]] = []  # asked again: the request it already has
        for index, photo in enumerate(photos):
            # Popped: a repeat of the message later in this batch finds its request taken.
            request_id = created.pop((photo.chat_id, photo.message_id), None)
            if request_id is None:
                existing = await find_request(session, chat_id=photo.chat_id, message_id=photo.message_id)
                assert existing is not None
                if not await reopen_refused(session, existing.id, tokens_charged=price):
                    earlier.append((index, existing))
                    continue
                request_id = existing.id  # refused for lack of tokens before: tried again
            if price:
                to_charge.append((index, request_id))
            else:
                jobs[index] = _job(photo, request_id)
        charges = [
            BalanceChange(photos[index].profile.user_id, -price, LedgerReason.SOLVE, "bot", request_id)
            for index, request_id in to_charge
        ]
        owed: dict[int, _Owed] = {}
        refused: list[int] = []
        notice: Notice
        for (index, request_id), outcome in zip(to_charge, await change_balances(session, charges), strict=True):
            photo = photos[index]
            if isinstance(outcome, NotEnoughTokens):
                refused.append(request_id)
                notice = NotAnswered(photo.language, ErrorCode.NOT_ENOUGH_TOKENS, price=price, balance=outcome.balance)
                owed[index] = _Owed(photo.chat_id, photo.message_id, None, request_id, notice)
            else:
                balances[photo.profile.user_id] = outcome
                jobs[index] = _job(photo, request_id)
        if refused:
            await update_requests(
                session,
                [
                    {
                        "request_id": request_id,
                        "status": RequestStatus.REFUSED,
                        "error_code": ErrorCode.NOT_ENOUGH_TOKENS,
                        "tokens_charged": 0,
                    }
                    for request_id in refused
                ],
            )
            admins = tuple(await usernames(session, self._admins))
            owed = {index: _with_admins(refusal, admins) for index, refusal in owed.items()}
        for index, existing in earlier:
            photo, solution = photos[index], stored_solution(existing)
            # Asked again with /solve: the answer it got, not charged again. Otherwise (the same update again,
            # still being solved, or failed and refunded) there is nothing new to say.
            if solution is not None and photo.asked_again:
                notice = Answered(photo.language, solution, balances[photo.profile.user_id], again=True)
                owed[index] = _Owed(photo.chat_id, photo.message_id, None, None, notice, (existing.id,))
        messages = dict(zip(owed, await self._owe(session, list(owed.values())), strict=True))
        return [Reservation(jobs.get(index), messages.get(index)) for index in range(len(photos))]

    async def _record_placeholders(self, session: AsyncSession, placeholders: Sequence[tuple[int, int]]) -> list[None]:
        changes = [
            {"request_id": request_id, "status_message_id": message_id} for request_id, message_id in placeholders
        ]
        await update_requests(session, changes)
        return [None] * len(placeholders)

    async def _mark_all_submitting(self, session: AsyncSession, request_ids: Sequence[int]) -> list[None]:
        await move_requests(session, request_ids, RequestStatus.QUEUED, RequestStatus.SUBMITTING)
        return [None] * len(request_ids)

    async def _record_jobs(self, session: AsyncSession, jobs: Sequence[tuple[int, str, datetime]]) -> list[None]:
        await update_requests(
            session,
            [
                {
                    "request_id": request_id,
                    "status": RequestStatus.SUBMITTED,
                    "provider_job_id": job_id,
                    "submitted_at": created_at,
                }
                for request_id, job_id, created_at in jobs
            ],
        )
        return [None] * len(jobs)

    async def _settle_all(
        self, session: AsyncSession, closings: Sequence[tuple[Job, Outcome, datetime]]
    ) -> list[OutgoingMessage | None]:
        # Read and closed in this one write transaction: nothing else can close them in between.
        still_open = await open_among(session, {job.request_id for job, _, _ in closings})
        closing: list[_Closing] = []
        for index, (job, outcome, answered_at) in enumerate(closings):
            charged = still_open.pop(job.request_id, None)
            if charged is None:  # closed before (or earlier in this batch): settled there
                continue
            kept = self._prices.of(outcome.backend) if isinstance(outcome, Solution) else 0
            refund = max(charged.tokens_charged - kept, 0)
            closing.append(_Closing(index, job, outcome, answered_at, charged.user_id, refund))
        await update_requests(
            session,
            [
                {"request_id": c.job.request_id, "answered_at": c.answered_at, **_final_columns(c.outcome)}
                for c in closing
            ],
        )
        refunds = [
            BalanceChange(c.user_id, c.refund, LedgerReason.REFUND, "bot", c.job.request_id, _refund_note(c.outcome))
            for c in closing
            if c.refund
        ]
        await change_balances(session, refunds)  # a refund cannot take a balance below zero
        balances = await current_balances(session, {c.user_id for c in closing})
        owed: dict[int, _Owed] = {}
        for c in closing:
            if c.outcome is ErrorCode.CHAT_GONE:  # nobody to tell
                continue
            job, outcome = c.job, c.outcome
            notice: Notice
            reports: tuple[int, ...] = ()
            if isinstance(outcome, Solution):
                notice = Answered(job.language, outcome, balances[c.user_id], job.downscaled_photo)
                reports = (job.request_id,)
            else:
                notice = NotAnswered(job.language, outcome, Refund(c.refund, balances[c.user_id]))
            owed[c.index] = _Owed(job.chat_id, job.message_id, job.placeholder, job.request_id, notice, reports)
        messages = dict(zip(owed, await self._owe(session, list(owed.values())), strict=True))
        return [messages.get(index) for index in range(len(closings))]

    async def _owe(self, session: AsyncSession, owed: Sequence[_Owed]) -> list[OutgoingMessage]:
        texts = [self._render(message.notice) for message in owed]
        new = [
            NewMessage(m.chat_id, m.reply_to, m.replaces, m.request_id, text, m.reports)
            for m, text in zip(owed, texts, strict=True)
        ]
        ids = await add_messages(session, new)
        return [
            OutgoingMessage(
                message_id, m.chat_id, m.reply_to, text, m.replaces, request_id=m.request_id, reports=m.reports
            )
            for message_id, m, text in zip(ids, owed, texts, strict=True)
        ]


def _new_request(photo: PhotoRequest, price: int) -> NewRequest:
    return NewRequest(
        photo.chat_id,
        photo.message_id,
        photo.profile.user_id,
        photo.language,
        photo.file_id,
        photo.downscaled_photo,
        tokens_charged=price,
    )


def _job(photo: PhotoRequest, request_id: int) -> Job:
    return Job(
        request_id,
        photo.profile.user_id,
        photo.chat_id,
        photo.message_id,
        photo.language,
        photo.file_id,
        photo.downscaled_photo,
    )


def _with_admins(refusal: _Owed, admins: tuple[str, ...]) -> _Owed:
    """A refusal for lack of tokens, naming whom to ask for more."""
    assert isinstance(refusal.notice, NotAnswered)
    return replace(refusal, notice=replace(refusal.notice, admins=admins))


def _refund_note(outcome: Outcome) -> str:
    return f"answered by {outcome.backend}" if isinstance(outcome, Solution) else str(outcome)


def _final_columns(outcome: Outcome) -> dict[str, Any]:
    if not isinstance(outcome, Solution):
        return {"status": RequestStatus.FAILED, "error_code": outcome}
    return {
        "status": RequestStatus.SUCCEEDED,
        "solver": outcome.backend,
        "provider_job_id": outcome.job_id,
        "answer": outcome.offset,
        "puzzle_width": outcome.puzzle_width,
        "raw_answer": outcome.raw_answer[:128],
        "confidence": outcome.confidence,
    }


def stored_solution(request: SolveRequest) -> Solution | None:
    """The answer a closed request keeps, as the solver gave it (without the boxes, which are not stored)."""
    if request.status != RequestStatus.SUCCEEDED or request.answer is None:
        return None
    return Solution(
        offset=request.answer,
        raw_answer=request.raw_answer or str(request.answer),
        backend=request.solver or "",
        job_id=request.provider_job_id,
        confidence=request.confidence,
        puzzle_width=request.puzzle_width,
    )
