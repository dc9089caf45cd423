"""Turning service results into the words a member reads."""

from __future__ import annotations

from bot.services.outcomes import Outcome
from bot.services.pricing import LOCAL
from bot.services.solving import RESTARTED
from bot.texts import Texts, texts


def answer_text(t: Texts, offset: int, balance: int, backend: str | None = None) -> str:
    text = t.answer.format(offset=offset, balance=balance)
    return f"{text}\n{t.answer_backend_local}" if backend == LOCAL else text


def ask_admin_text(t: Texts, admins: list[str]) -> str:
    return t.ask_admin_named.format(admins=", ".join(admins)) if admins else t.ask_admin


def not_enough_tokens_text(t: Texts, *, price: int, balance: int, admins: list[str]) -> str:
    return t.not_enough_tokens.format(price=price, balance=balance, ask_admin=ask_admin_text(t, admins))


def outcome_text(outcome: Outcome) -> str:
    t = texts(outcome.language)
    if outcome.solution is not None:
        return answer_text(t, outcome.solution.offset, outcome.balance, outcome.solution.backend)
    if outcome.error_code == RESTARTED:
        cause = t.resend_after_restart
    else:
        cause = t.solve_failed.get(outcome.error_code or "", t.solve_failed["internal"])
    money = t.refunded.format(tokens=outcome.refunded, balance=outcome.balance) if outcome.refunded else t.no_charge
    return f"{cause}\n{money}"
