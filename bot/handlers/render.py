"""Turning service results into the words a member reads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.notices import Answered, NotAnswered, Notice
from bot.solver.base import Backend, Solution
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
        if solution.backend == Backend.LOCAL:
            lines.append(t.answer_backend_local)
        lines.append(t.balance_line.format(balance=balance))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Renderer:
    """Words the photo service's notices (the `Render` it is given)."""

    units: AnswerUnits

    def __call__(self, notice: Notice) -> str:
        t = texts(notice.language)
        if isinstance(notice, Answered):
            answer = self.units.answer_text(
                t, notice.solution, notice.balance, downscaled_photo=notice.downscaled_photo
            )
            return f"{t.already_solved}\n{answer}" if notice.again else answer
        return problem_text(t, notice)


def problem_text(t: Texts, notice: NotAnswered) -> str:
    admins = list(notice.admins)
    cause = t.problems[notice.code].format(
        price=notice.price,
        balance=notice.balance,
        ask_admin=ask_admin_text(t, admins),
        ask_access=_ask(t.ask_access_named, t.ask_access, admins),
        size_mb=notice.size_mb,
        limit=notice.limit,
        wait=notice.wait,
    )
    refund = notice.refund
    if refund is None:
        return cause
    money = t.refunded.format(tokens=refund.tokens, balance=refund.balance) if refund.tokens else t.no_charge
    return f"{cause}\n{money}"


def ask_admin_text(t: Texts, admins: list[str]) -> str:
    return _ask(t.ask_admin_named, t.ask_admin, admins)


def _ask(named: str, anyone: str, admins: list[str]) -> str:
    return named.format(admins=", ".join(admins)) if admins else anyone


def _percent(t: Texts, share: float) -> str:
    return f"{share * 100:.1f}%".replace(".", t.decimal_separator)
