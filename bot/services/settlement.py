"""Settling solve requests: each closes once, keeps the price of the backend that answered, refunds the rest.

Done for a batch in the caller's transaction. A request closes through a conditional UPDATE on its
open status, so a resumed or duplicated job can never settle it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, change_balances, current_balances
from bot.db.models import LedgerReason, RequestStatus
from bot.db.requests import close_request
from bot.services.pricing import Prices
from bot.solver.base import Solution


@dataclass(frozen=True, slots=True)
class Closing:
    request_id: int
    solution: Solution | None  # None: failed with `error_code`
    error_code: str | None
    status_message_id: int | None


@dataclass(frozen=True, slots=True)
class Settled:
    balance: int  # the member's, after this and the rest of the batch
    refunded: int


async def settle_requests(session: AsyncSession, closings: Sequence[Closing], prices: Prices) -> list[Settled | None]:
    """Per closing, in order: how it settled, or None if the request was closed before (settled there)."""
    closed = [
        await close_request(
            session, closing.request_id, status_message_id=closing.status_message_id, **_final_columns(closing)
        )
        for closing in closings
    ]
    refunds: list[int] = []
    changes: list[BalanceChange] = []
    for closing, request in zip(closings, closed, strict=True):
        kept = prices.of(closing.solution.backend) if closing.solution else 0
        refund = max(request.tokens_charged - kept, 0) if request else 0
        refunds.append(refund)
        if request and refund:
            note = closing.error_code or f"answered by {request.solver}"
            changes.append(BalanceChange(request.user_id, refund, LedgerReason.REFUND, "bot", request.id, note))
    await change_balances(session, changes)  # a refund cannot take a balance below zero
    balances = await current_balances(session, {request.user_id for request in closed if request})
    return [
        None if request is None else Settled(balances[request.user_id], refund)
        for request, refund in zip(closed, refunds, strict=True)
    ]


def _final_columns(closing: Closing) -> dict[str, Any]:
    solution = closing.solution
    if solution is None:
        return {"status": RequestStatus.FAILED, "error_code": closing.error_code}
    return {
        "status": RequestStatus.SUCCEEDED,
        "solver": solution.backend,
        "provider_job_id": solution.job_id,
        "answer": solution.offset,
        "puzzle_width": solution.puzzle_width,
        "raw_answer": solution.raw_answer[:128],
        "confidence": solution.confidence,
    }
