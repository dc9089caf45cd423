"""✅/❌ on answers: who may report, what a report does to the tokens, and the accuracy it shows.

A press is one transaction (BEGIN IMMEDIATE: presses are taken one at a time), which marks its update handled:
the same callback delivered again after a crash changes nothing, and of two presses arriving at once the second
sees what the first did. Refunds follow REFUND_WRONG: a ❌ on a charged answer gives its tokens back once
(ledger reason `reported_wrong`), at most REFUND_WRONG_PER_DAY times a member a day; a ✅ after it takes the
refund back once (`reported_right`), never below zero. The ledger's one row per request and reason backs both
"once"s up.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, change_balance, current_balances
from bot.db.engine import SessionMaker
from bot.db.feedback import (
    Accuracy,
    ReportedAnswer,
    ReportedRequest,
    accuracy_by_solver,
    refunds_since,
    reported_request,
    save_report,
    verdicts,
)
from bot.db.feedback import reported_answers as reported_answers_since
from bot.db.inbox import mark_handled
from bot.db.models import LedgerReason, RequestStatus, Verdict, utcnow
from bot.services.access import ChatAccess
from bot.services.reports import PERIODS, Reports
from bot.settings import RefundPolicy
from bot.solver.base import Backend

__all__ = ["Accuracy", "Feedback", "Press", "PressResult", "ReportedAnswer", "Said", "Verdict"]

log = logging.getLogger(__name__)

BACKENDS = (Backend.LOCAL, Backend.OMOCAPTCHA)


class Said(StrEnum):
    """What became of a press."""

    RECORDED = "recorded"  # the report was made or changed
    UNCHANGED = "unchanged"  # it says what the report already said
    REPEATED = "repeated"  # this very press was taken before (its update delivered again)
    REOPENED = "reopened"  # the mark was pressed: the two buttons are shown again
    NOT_YOURS = "not_yours"  # neither the member who sent the photo nor an admin
    TOO_LATE = "too_late"  # past REPORT_WINDOW_MINUTES
    NOT_REPORTABLE = "not_reportable"  # no such answer in this chat


@dataclass(frozen=True, slots=True)
class Press:
    update_id: int
    chat_id: int  # where the pressed message is
    user_id: int  # who pressed
    request_id: int
    verdict: Verdict | None  # None: the mark was pressed, to choose again
    shown: tuple[int, ...] = ()  # every request with buttons on that message, for its marks


@dataclass(frozen=True, slots=True)
class PressResult:
    said: Said
    verdict: Verdict | None = None
    refunded: int = 0  # tokens given back for a ❌
    taken_back: int = 0  # tokens a ✅ took back
    capped: bool = False  # a ❌ past the day's refunds: recorded, not refunded
    refunded_before: bool = False  # a ❌ on an answer refunded once already and taken back
    balance: int | None = None  # the photo's sender's, after the press
    marks: dict[int, Verdict | None] = field(default_factory=dict)  # by request shown on the message


class Feedback:
    def __init__(
        self,
        sessions: SessionMaker,
        reports: Reports,
        access: ChatAccess,
        *,
        window: timedelta,
        policy: RefundPolicy,
        refunds_per_day: int,
    ) -> None:
        self._sessions = sessions
        self._reports = reports
        self._access = access
        self._window = window
        self._policy = policy
        self._refunds_per_day = refunds_per_day

    @property
    def window_minutes(self) -> int:
        return round(self._window.total_seconds() / 60)

    @property
    def refunds_per_day(self) -> int:
        return self._refunds_per_day

    async def press(self, press: Press) -> PressResult:
        now = utcnow()
        async with self._sessions.begin() as session:
            request = await reported_request(session, press.request_id)
            refusal = self._refusal(request, press, now)
            shown = (*press.shown, press.request_id)
            if refusal is not None or request is None:
                return PressResult(refusal or Said.NOT_REPORTABLE, marks=await _marks(session, shown))
            if press.verdict is None:
                marks = await _marks(session, shown)
                return PressResult(Said.REOPENED, request.verdict, marks={**marks, request.id: None})
            if not await mark_handled(session, [press.update_id]):
                return PressResult(Said.REPEATED, request.verdict, marks=await _marks(session, shown))
            if request.verdict == press.verdict:
                result = PressResult(Said.UNCHANGED, press.verdict)
            else:
                await save_report(session, request.id, press.verdict, press.user_id, now)
                result = await self._tokens(session, request, press)
            (balance,) = (await current_balances(session, [request.user_id])).values()
            marks = await _marks(session, shown)
        if result.refunded or result.taken_back:
            log.info(
                "report %s on request %s by %s: %+d token(s) to user %s",
                press.verdict,
                request.id,
                press.user_id,
                result.refunded - result.taken_back,
                request.user_id,
            )
        return replace(result, balance=balance, marks=marks)

    def _refusal(self, request: ReportedRequest | None, press: Press, now: datetime) -> Said | None:
        if request is None or request.chat_id != press.chat_id or request.status != RequestStatus.SUCCEEDED:
            return Said.NOT_REPORTABLE
        if press.user_id != request.user_id and not self._access.is_admin(press.user_id):
            return Said.NOT_YOURS
        answered = request.answered_at
        if answered is not None and _aware(answered) + self._window < now:
            return Said.TOO_LATE
        return None

    async def _tokens(self, session: AsyncSession, request: ReportedRequest, press: Press) -> PressResult:
        """The refund a changed report gives or takes back."""
        actor = f"report:{press.user_id}"
        if press.verdict == Verdict.RIGHT:
            if request.refunded is None or request.taken_back:
                return PressResult(Said.RECORDED, Verdict.RIGHT)
            (balance,) = (await current_balances(session, [request.user_id])).values()
            take = min(request.refunded, balance)  # never below zero: what was spent since stays spent
            change = BalanceChange(request.user_id, -take, LedgerReason.REPORTED_RIGHT, actor, request.id)
            await change_balance(session, change)
            return PressResult(Said.RECORDED, Verdict.RIGHT, taken_back=take)
        if request.refunded is not None:
            return PressResult(Said.RECORDED, Verdict.WRONG, refunded_before=True)
        if not self._refundable(request):
            return PressResult(Said.RECORDED, Verdict.WRONG)
        today = self._reports.period_starts()["today"]
        assert today is not None
        if await refunds_since(session, request.user_id, today) >= self._refunds_per_day:
            return PressResult(Said.RECORDED, Verdict.WRONG, capped=True)
        change = BalanceChange(request.user_id, request.kept, LedgerReason.REPORTED_WRONG, actor, request.id)
        await change_balance(session, change)
        return PressResult(Said.RECORDED, Verdict.WRONG, refunded=request.kept)

    def _refundable(self, request: ReportedRequest) -> bool:
        if request.kept <= 0 or self._policy is RefundPolicy.NEVER:
            return False
        return self._policy is RefundPolicy.ALWAYS or request.solver == Backend.OMOCAPTCHA

    async def accuracy(self, user_id: int | None = None) -> dict[str, dict[str, Accuracy]]:
        """Per period (as /stats has them) and backend: answers, reported, right, wrong."""
        result: dict[str, dict[str, Accuracy]] = {}
        async with self._sessions() as session:
            for period, since in self._reports.period_starts().items():
                counts = await accuracy_by_solver(session, since=since, user_id=user_id)
                result[period] = {backend: counts.get(backend, Accuracy()) for backend in BACKENDS}
        assert tuple(result) == PERIODS
        return result

    async def reported_answers(
        self, *, since: datetime | None = None, wrong_only: bool = False
    ) -> list[ReportedAnswer]:
        """Reported answers (only the ❌ ones with `wrong_only`), oldest report first."""
        async with self._sessions() as session:
            return await reported_answers_since(session, since=since, verdict=Verdict.WRONG if wrong_only else None)


async def _marks(session: AsyncSession, request_ids: Collection[int]) -> dict[int, Verdict | None]:
    found = await verdicts(session, request_ids)
    return {request_id: found.get(request_id) for request_id in request_ids}


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; we always store UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
