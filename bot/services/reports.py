"""Usage and team statistics, derived from the requests and the ledger (never from counters)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.engine import SessionMaker
from bot.db.history import RequestFact, ledger_totals, request_facts
from bot.db.models import LedgerReason, RequestStatus
from bot.solver.base import Backend

PERIODS = ("today", "week", "all")


@dataclass(frozen=True, slots=True)
class PeriodStats:
    requests: int  # everything asked, refused included
    solves: int  # reached a solver
    succeeded: int
    failed: int
    refused: int
    local: int  # answered by the local solver
    paid: int  # answered by OmoCaptcha
    median_seconds: float | None
    p95_seconds: float | None
    tokens_spent: int  # charged and not refunded
    tokens_refunded: int

    @property
    def success_rate(self) -> float | None:
        finished = self.succeeded + self.failed
        return self.succeeded / finished if finished else None


def summarize(facts: Sequence[RequestFact], ledger: dict[str, int]) -> PeriodStats:
    durations = sorted(
        (fact.answered_at - fact.received_at).total_seconds()
        for fact in facts
        if fact.status == RequestStatus.SUCCEEDED and fact.answered_at is not None
    )
    succeeded = [fact for fact in facts if fact.status == RequestStatus.SUCCEEDED]
    refused = sum(fact.status == RequestStatus.REFUSED for fact in facts)
    return PeriodStats(
        requests=len(facts),
        solves=len(facts) - refused,
        succeeded=len(succeeded),
        failed=sum(fact.status == RequestStatus.FAILED for fact in facts),
        refused=refused,
        local=sum(fact.solver == Backend.LOCAL for fact in succeeded),
        paid=sum(fact.solver == Backend.OMOCAPTCHA for fact in succeeded),
        median_seconds=statistics.median(durations) if durations else None,
        p95_seconds=durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))] if durations else None,
        tokens_spent=-(ledger.get(LedgerReason.SOLVE, 0) + ledger.get(LedgerReason.REFUND, 0)),
        tokens_refunded=ledger.get(LedgerReason.REFUND, 0),
    )


class Reports:
    def __init__(self, sessions: SessionMaker, *, timezone: ZoneInfo) -> None:
        self._sessions = sessions
        self._timezone = timezone

    def period_starts(self, now: datetime | None = None) -> dict[str, datetime | None]:
        """Where "today" (in the team's time zone), "the last 7 days" and "all time" begin, in UTC."""
        now = (now or datetime.now(UTC)).astimezone(self._timezone)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return {"today": midnight.astimezone(UTC), "week": (now - timedelta(days=7)).astimezone(UTC), "all": None}

    async def usage(self, user_id: int | None = None, now: datetime | None = None) -> dict[str, PeriodStats]:
        """Per period, for one member or (user_id None) for the whole team."""
        result: dict[str, PeriodStats] = {}
        async with self._sessions() as session:
            for period, since in self.period_starts(now).items():
                facts = await request_facts(session, since=since, user_id=user_id)
                ledger = await ledger_totals(session, since=since, user_id=user_id)
                result[period] = summarize(facts, ledger)
        return result
