"""Reports on answers (✅/❌): the request a press is about, the report row, and the figures derived from them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AnswerReport, LedgerEntry, LedgerReason, RequestStatus, SolveRequest, Verdict, table_of

_reports = table_of(AnswerReport)


@dataclass(frozen=True, slots=True)
class ReportedRequest:
    """A request as a press on its buttons needs it."""

    id: int
    chat_id: int
    user_id: int
    status: str
    solver: str | None
    answered_at: datetime | None
    kept: int  # tokens the answer cost: charged and not refunded when it was settled
    verdict: Verdict | None  # the report so far
    refunded: int | None  # tokens a ❌ gave back (None: no refund ever)
    taken_back: bool  # a ✅ took that refund back


@dataclass(frozen=True, slots=True)
class Accuracy:
    answers: int = 0
    reported: int = 0
    right: int = 0
    wrong: int = 0

    @property
    def share_right(self) -> float | None:
        return self.right / self.reported if self.reported else None


@dataclass(frozen=True, slots=True)
class ReportedAnswer:
    """A reported answer with what is needed to fetch its picture again and to learn from it."""

    request_id: int
    file_id: str | None
    solver: str | None
    confidence: float | None
    answer: int | None  # in pixels of the picture
    puzzle_width: int | None  # in the same pixels, when the puzzle was located
    downscaled_photo: bool
    verdict: Verdict
    reported_at: datetime


def _ledger_sum(request_id: int, *reasons: LedgerReason) -> ColumnElement[int | None]:
    return (
        select(func.sum(LedgerEntry.delta))
        .where(LedgerEntry.solve_request_id == request_id, LedgerEntry.reason.in_(reasons))
        .scalar_subquery()
    )


async def reported_request(session: AsyncSession, request_id: int) -> ReportedRequest | None:
    row = (
        await session.execute(
            select(
                SolveRequest.id,
                SolveRequest.chat_id,
                SolveRequest.user_id,
                SolveRequest.status,
                SolveRequest.solver,
                SolveRequest.answered_at,
                func.coalesce(-_ledger_sum(request_id, LedgerReason.SOLVE, LedgerReason.REFUND), 0),
                AnswerReport.verdict,
                _ledger_sum(request_id, LedgerReason.REPORTED_WRONG),
                _ledger_sum(request_id, LedgerReason.REPORTED_RIGHT).is_not(None),
            )
            .outerjoin(AnswerReport, AnswerReport.request_id == SolveRequest.id)
            .where(SolveRequest.id == request_id)
        )
    ).one_or_none()
    if row is None:
        return None
    id_, chat_id, user_id, status, solver, answered_at, kept, verdict, refunded, taken_back = row
    return ReportedRequest(
        id_,
        chat_id,
        user_id,
        status,
        solver,
        answered_at,
        int(kept or 0),
        Verdict(verdict) if verdict else None,
        refunded,
        bool(taken_back),
    )


async def save_report(
    session: AsyncSession, request_id: int, verdict: Verdict, reported_by: int, now: datetime
) -> None:
    """The request's report, made or changed."""
    values = {"verdict": verdict, "reported_by": reported_by, "reported_at": now}
    await session.execute(
        sqlite_insert(_reports)
        .values(request_id=request_id, **values)
        .on_conflict_do_update(index_elements=[_reports.c.request_id], set_=values)
    )


async def refunds_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """How many answers of this member a ❌ refunded since then."""
    count = await session.scalar(
        select(func.count()).where(
            LedgerEntry.user_id == user_id,
            LedgerEntry.reason == LedgerReason.REPORTED_WRONG,
            LedgerEntry.created_at >= since,
        )
    )
    return int(count or 0)


async def verdicts(session: AsyncSession, request_ids: Collection[int]) -> dict[int, Verdict]:
    rows = await session.execute(
        select(_reports.c.request_id, _reports.c.verdict).where(_reports.c.request_id.in_(list(request_ids)))
    )
    return {request_id: Verdict(verdict) for request_id, verdict in rows}


def _counted(verdict: Verdict) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((AnswerReport.verdict == verdict, 1), else_=0)), 0)


async def accuracy_by_solver(
    session: AsyncSession, *, since: datetime | None = None, user_id: int | None = None
) -> dict[str, Accuracy]:
    """Answers and their reports by the backend that answered, for requests received since `since`."""
    query = (
        select(
            SolveRequest.solver,
            func.count(),
            func.count(AnswerReport.request_id),
            _counted(Verdict.RIGHT),
            _counted(Verdict.WRONG),
        )
        .outerjoin(AnswerReport, AnswerReport.request_id == SolveRequest.id)
        .where(SolveRequest.status == RequestStatus.SUCCEEDED)
        .group_by(SolveRequest.solver)
    )
    if since is not None:
        query = query.where(SolveRequest.received_at >= since)
    if user_id is not None:
        query = query.where(SolveRequest.user_id == user_id)
    rows = await session.execute(query)
    return {solver or "": Accuracy(answers, reported, right, wrong) for solver, answers, reported, right, wrong in rows}


async def reported_answers(
    session: AsyncSession, *, since: datetime | None = None, verdict: Verdict | None = None
) -> list[ReportedAnswer]:
    """Reported answers, oldest report first; only those reported since `since`, of one verdict if given."""
    query = select(
        SolveRequest.id,
        SolveRequest.file_id,
        SolveRequest.solver,
        SolveRequest.confidence,
        SolveRequest.answer,
        SolveRequest.puzzle_width,
        SolveRequest.downscaled_photo,
        AnswerReport.verdict,
        AnswerReport.reported_at,
    ).join(AnswerReport, AnswerReport.request_id == SolveRequest.id)
    if since is not None:
        query = query.where(AnswerReport.reported_at >= since)
    if verdict is not None:
        query = query.where(AnswerReport.verdict == verdict)
    rows = await session.execute(query.order_by(AnswerReport.reported_at, SolveRequest.id))
    return [
        ReportedAnswer(id_, file_id, solver, confidence, answer, width, bool(downscaled), Verdict(v), at)
        for id_, file_id, solver, confidence, answer, width, downscaled, v, at in rows
    ]
