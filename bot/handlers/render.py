"""Turning service results into the words a member reads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.outcomes import Outcome
from bot.services.pricing import LOCAL
from bot.services.solving import RESTARTED
from bot.solver.base import Solution
from bot.texts import Texts, texts


@dataclass(frozen=True, slots=True)
class AnswerUnits:
    """How the team wants its numbers: at the captcha's display width when it is set, else in picture pixels."""

    display_width: int | None  # PUZZLE_WIDTH

    def drag(self, solution: Solution) -> int:
        """The headline number: the drag at the display width when it is set and the puzzle was measured."""
        share = solution.share
        return round(share * self.display_width) if share is not None and self.display_width else solution.offset

    def answer_text(self, t: Texts, solution: Solution, balance: int, *, downscaled_photo: bool = False) -> str:
        """The headline number, the few words that say its unit, and the balance."""
        share = solution.share
        if share is not None and self.display_width:
            unit = t.unit_at_width.format(width=self.display_width, share=_percent(t, share))
        elif share is not None:
            unit = t.unit_picture_share.format(share=_percent(t, share))
        else:
            unit = t.unit_picture
        lines = [t.answer.format(offset=self.drag(solution)), unit]
        if downscaled_photo and not self.display_width:
            lines.append(t.photo_hint)
        if solution.backend == LOCAL:
            lines.append(t.answer_backend_local)
        lines.append(t.balance_line.format(balance=balance))
        return "\n".join(lines)

    def outcome_text(self, outcome: Outcome) -> str:
        t = texts(outcome.language)
        if outcome.solution is not None:
            return self.answer_text(t, outcome.solution, outcome.balance, downscaled_photo=outcome.downscaled_photo)
        if outcome.error_code == RESTARTED:
            cause = t.resend_after_restart
        else:
            cause = t.solve_failed.get(outcome.error_code or "", t.solve_failed["internal"])
        money = t.refunded.format(tokens=outcome.refunded, balance=outcome.balance) if outcome.refunded else t.no_charge
        return f"{cause}\n{money}"


def ask_admin_text(t: Texts, admins: list[str]) -> str:
    return t.ask_admin_named.format(admins=", ".join(admins)) if admins else t.ask_admin


def not_enough_tokens_text(t: Texts, *, price: int, balance: int, admins: list[str]) -> str:
    return t.not_enough_tokens.format(price=price, balance=balance, ask_admin=ask_admin_text(t, admins))


def _percent(t: Texts, share: float) -> str:
    return f"{share * 100:.1f}%".replace(".", t.decimal_separator)
