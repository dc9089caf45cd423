"""Admitting images: one request per Telegram message, its tokens reserved before any solver is called.

Done for a batch of messages in the caller's transaction, with a few statements for the whole batch
plus one conditional UPDATE per charge, in arrival order: 20 photos on 5 tokens are 5 admissions and
15 refusals whether they come one by one or together.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.balances import BalanceChange, NotEnoughTokens, change_balances
from bot.db.models import LedgerReason, RequestStatus
from bot.db.requests import NewRequest, create_requests, find_request, reopen_refused, update_requests
from bot.db.users import ensure_users
from bot.services.outcomes import Admission, ImageMessage, Verdict, stored_solution
from bot.solver.base import Solution


async def admit_messages(
    session: AsyncSession, messages: Sequence[ImageMessage], *, price: int, initial_tokens: int
) -> list[Admission]:
    """An admission per message, in order."""
    balances = await ensure_users(session, [message.profile for message in messages], initial_tokens=initial_tokens)
    created = await create_requests(
        session,
        [
            NewRequest(m.chat_id, m.message_id, m.profile.user_id, m.language, m.file_id, tokens_charged=price)
            for m in messages
        ],
    )
    free: dict[int, tuple[Verdict, int | None, Solution | None]] = {}  # by index: (verdict, request id, answer)
    to_charge: list[tuple[int, int]] = []  # (index, request id)
    for index, message in enumerate(messages):
        # Popped: a repeat of the message later in this batch finds its request taken.
        request_id = created.pop((message.chat_id, message.message_id), None)
        if request_id is None:
            existing = await find_request(session, chat_id=message.chat_id, message_id=message.message_id)
            assert existing is not None
            if not await reopen_refused(session, existing.id, tokens_charged=price):
                verdict = Verdict.ALREADY_SOLVED if existing.status == RequestStatus.SUCCEEDED else Verdict.IN_PROGRESS
                free[index] = (verdict, None, stored_solution(existing))
                continue
            request_id = existing.id  # refused for lack of tokens before: tried again
        if price:
            to_charge.append((index, request_id))
        else:
            free[index] = (Verdict.ACCEPTED, request_id, None)

    charges = [BalanceChange(messages[i].profile.user_id, -price, LedgerReason.SOLVE, "bot", r) for i, r in to_charge]
    admissions: dict[int, Admission] = {}
    refused: list[int] = []
    for (index, request_id), outcome in zip(to_charge, await change_balances(session, charges), strict=True):
        balances[messages[index].profile.user_id] = outcome if isinstance(outcome, int) else outcome.balance
        if isinstance(outcome, NotEnoughTokens):
            refused.append(request_id)
            admissions[index] = Admission(Verdict.NOT_ENOUGH_TOKENS, balance=outcome.balance, price=price)
        else:
            admissions[index] = Admission(Verdict.ACCEPTED, balance=outcome, price=price, request_id=request_id)
    if refused:
        await update_requests(
            session,
            [
                {
                    "request_id": request_id,
                    "status": RequestStatus.REFUSED,
                    "error_code": "not_enough_tokens",
                    "tokens_charged": 0,
                }
                for request_id in refused
            ],
        )
    for index, (verdict, request_id, answer) in free.items():  # as the batch leaves their balance
        balance = balances[messages[index].profile.user_id]
        admissions[index] = Admission(verdict, balance=balance, price=price, request_id=request_id, answer=answer)
    return [admissions[index] for index in range(len(messages))]
