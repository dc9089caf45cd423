"""Pure rules: prices per mode, which chats are served, and how statistics are summed up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.db.history import RequestFact
from bot.services.access import Access, ChatAccess
from bot.services.accounts import GrantOutOfBounds, check_grant
from bot.services.pricing import Prices
from bot.services.reports import summarize
from bot.settings import SolverMode
from bot.solver.base import Backend


@pytest.mark.parametrize(("mode", "reserve"), [(SolverMode.LOCAL, 0), (SolverMode.OMOCAPTCHA, 2), (SolverMode.AUTO, 2)])
def test_the_reservation_covers_the_dearest_backend_the_mode_may_use(mode: SolverMode, reserve: int) -> None:
    prices = Prices({Backend.LOCAL: 0, Backend.OMOCAPTCHA: 2}, mode)
    assert prices.reserve == reserve
    assert prices.of(Backend.LOCAL) == 0


@pytest.mark.parametrize(("user_id", "amount"), [(10**30, 5), (0, 5), (42, 10**30), (42, -(10**6) - 1)])
def test_grants_beyond_a_telegram_user_id_or_a_million_tokens_are_refused(user_id: int, amount: int) -> None:
    with pytest.raises(GrantOutOfBounds):
        check_grant(user_id, amount)
    check_grant(42, 10**6)


def test_unlisted_groups_are_refused_once_and_private_chats_always_served() -> None:
    access = ChatAccess(frozenset({-100}), frozenset({7}))
    assert access.check(-100, private=False) is Access.SERVE
    assert access.check(-200, private=False) is Access.REFUSE
    assert access.check(-200, private=False) is Access.IGNORE
    assert access.check(42, private=True) is Access.SERVE
    assert access.is_admin(7)
    assert not access.is_admin(42)
    assert ChatAccess(frozenset(), frozenset()).check(-300, private=False) is Access.SERVE


def test_statistics_count_outcomes_times_and_tokens() -> None:
    start = datetime(2026, 11, 29, 8, 0)

    def fact(status: str, solver: str | None, seconds: float | None) -> RequestFact:
        answered = start + timedelta(seconds=seconds) if seconds is not None else None
        return RequestFact(status, solver, start, answered)

    facts = [fact("succeeded", "local", 0.1)] + [fact("succeeded", "omocaptcha", s) for s in (3, 4, 5, 30)]
    facts += [fact("failed", None, 9), fact("refused", None, None)]
    stats = summarize(facts, {"solve": -6, "refund": 2})

    assert (stats.requests, stats.solves, stats.succeeded, stats.failed, stats.refused) == (7, 6, 5, 1, 1)
    assert (stats.local, stats.paid) == (1, 4)
    assert stats.median_seconds == 4
    assert stats.p95_seconds == 30
    assert stats.success_rate == pytest.approx(5 / 6)
    assert (stats.tokens_spent, stats.tokens_refunded) == (4, 2)
