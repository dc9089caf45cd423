"""Rendering usage, statistics, member lists and ledgers, within Telegram's 4096-character limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.services.accounts import LedgerLine, UserUsage
from bot.services.reports import PERIODS, PeriodStats
from bot.texts import Texts

TELEGRAM_TEXT_LIMIT = 4096


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def usage_text(t: Texts, stats: dict[str, PeriodStats]) -> str:
    lines = [t.usage_title]
    for period in PERIODS:
        s = stats[period]
        median = t.median.format(seconds=s.median_seconds) if s.median_seconds is not None else "—"
        lines.append(
            t.usage_line.format(
                period=t.periods[period],
                solves=s.solves,
                succeeded=s.succeeded,
                failed=s.failed,
                refused=s.refused,
                spent=s.tokens_spent,
                median=median,
            )
        )
    return "\n".join(lines)


def stats_text(
    t: Texts, stats: dict[str, PeriodStats], provider_line: str, local_price_gap: int, accuracy: Sequence[str] = ()
) -> str:
    lines = [t.stats_title]
    for period in PERIODS:
        s = stats[period]
        lines.append(
            t.stats_line.format(
                period=t.periods[period],
                solves=s.solves,
                rate=_rate(s.success_rate),
                median=_seconds(s.median_seconds),
                p95=_seconds(s.p95_seconds),
                spent=s.tokens_spent,
                refunded=s.tokens_refunded,
                local=s.local,
                paid=s.paid,
            )
        )
    saved = stats["all"].local
    lines.append(t.stats_saved.format(saved=saved, tokens=saved * local_price_gap))
    lines.extend(accuracy)
    lines.append(provider_line)
    return "\n".join(lines)


def provider_line(t: Texts, balance: Decimal | None, error: str | None) -> str:
    if error is not None:
        return t.provider_balance_unknown.format(error=error)
    if balance is None:
        return t.provider_not_configured
    return t.provider_balance.format(balance=balance)


def member_name(username: str | None, first_name: str | None, user_id: int) -> str:
    if username:
        return f"@{username}"
    return first_name or str(user_id)


def users_pages(t: Texts, rows: Sequence[UserUsage], per_page: int = 25) -> list[str]:
    if not rows:
        return [t.no_members]
    pages = [rows[start : start + per_page] for start in range(0, len(rows), per_page)]
    rendered = []
    for number, page in enumerate(pages, start=1):
        lines = [t.users_title.format(page=number, pages=len(pages))]
        for row in page:
            finished = row.succeeded + row.failed
            lines.append(
                t.users_line.format(
                    name=member_name(row.username, row.first_name, row.user_id),
                    user_id=row.user_id,
                    balance=row.balance,
                    solves=row.solves,
                    rate=_rate(row.succeeded / finished if finished else None),
                )
            )
        if number < len(pages):
            lines.append(t.users_more.format(page=number + 1))
        rendered.append(fit("\n".join(lines)))
    return rendered


def ledger_text(t: Texts, who: str, balance: int, entries: Iterable[LedgerLine], timezone: ZoneInfo) -> str:
    lines = [t.ledger_title.format(who=who, balance=balance)]
    for entry in entries:
        when = _local(entry.created_at, timezone).strftime("%Y-%m-%d %H:%M")
        note = f" · {entry.note}" if entry.note else ""
        reason = t.ledger_reasons.get(entry.reason, entry.reason)
        lines.append(f"{when}  {entry.delta:+d} → {entry.balance_after} · {reason} · {entry.actor}{note}")
    return fit("\n".join(lines)) if len(lines) > 1 else t.ledger_empty.format(who=who)


def _local(moment: datetime, timezone: ZoneInfo) -> datetime:
    # SQLite hands back naive datetimes; we always store UTC.
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(timezone)


def fit(text: str) -> str:
    """Cut at a line boundary so the message stays within Telegram's limit."""
    if len(text) <= TELEGRAM_TEXT_LIMIT:
        return text
    cut = text.rfind("\n", 0, TELEGRAM_TEXT_LIMIT - 2)
    return text[: cut if cut > 0 else TELEGRAM_TEXT_LIMIT - 2] + "\n…"
