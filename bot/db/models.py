"""The schema. Usage figures are derived from these tables; there are no counters that could drift."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model: statements on it skip the ORM's work per statement."""
    return cast(Table, model.__table__)


class LedgerReason(StrEnum):
    INITIAL = "initial"
    GRANT = "grant"
    SOLVE = "solve"
    REFUND = "refund"
    REPORTED_WRONG = "reported_wrong"  # a ❌ on a charged answer: its tokens back, once
    REPORTED_RIGHT = "reported_right"  # a ✅ after that ❌: the refund taken back, once


class RequestStatus(StrEnum):
    QUEUED = "queued"  # charged; no paid job can exist yet: solved again from its file after a crash
    SUBMITTING = "submitting"  # a paid job is being created: after a crash it may exist without its id
    SUBMITTED = "submitted"  # the provider has a job for it: resumable after a crash
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # refunded
    REFUSED = "refused"  # never charged (not enough tokens)


OPEN_STATUSES = (RequestStatus.QUEUED, RequestStatus.SUBMITTING, RequestStatus.SUBMITTED)


class OutboxState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"  # Telegram refused it for good (chat gone, bot blocked, message refused)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    language_code: Mapped[str | None] = mapped_column(String(16))
    balance: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SolveRequest(Base):
    __tablename__ = "solve_requests"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        Index("ix_solve_requests_status", "status"),
        Index("ix_solve_requests_user_received", "user_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)  # the message holding the image
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    language: Mapped[str] = mapped_column(String(8))
    file_id: Mapped[str | None] = mapped_column(String(256))
    downscaled_photo: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(16))
    solver: Mapped[str | None] = mapped_column(String(32))
    provider_job_id: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[int | None] = mapped_column(Integer)  # in pixels of the picture
    puzzle_width: Mapped[int | None] = mapped_column(Integer)  # in the same pixels, when the puzzle was located
    raw_answer: Mapped[str | None] = mapped_column(String(128))
    confidence: Mapped[float | None] = mapped_column(Float)
    error_code: Mapped[str | None] = mapped_column(String(32))
    tokens_charged: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the "solving…" reply
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LedgerEntry(Base):
    """Append-only. The sum of a user's deltas equals their balance, always."""

    __tablename__ = "ledger"
    __table_args__ = (
        # A request is charged at most once and refunded at most once, whatever is redelivered.
        UniqueConstraint("solve_request_id", "reason"),
        Index("ix_ledger_user_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    solve_request_id: Mapped[int | None] = mapped_column(ForeignKey("solve_requests.id"))
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboxUpdate(Base):
    """Every update Telegram handed over, written before its offset is confirmed (see handlers/polling.py).

    Kept a day after it is handled, so that Telegram delivering it again (it keeps unconfirmed updates for
    24 hours) finds it already here."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_handled_at", "handled_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str | None] = mapped_column(Text)  # the update as JSON; dropped once it is handled
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """A message the bot owes a chat, written in the same transaction as what it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    reply_to: Mapped[int] = mapped_column(BigInteger)  # the member's message it answers
    replaces: Mapped[int | None] = mapped_column(BigInteger)  # the "solving…" reply it is edited into
    request_id: Mapped[int | None] = mapped_column(ForeignKey("solve_requests.id"))
    text: Mapped[str] = mapped_column(Text)
    reports: Mapped[list[int] | None] = mapped_column(JSON)  # the requests whose ✅/❌ buttons it carries
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    error: Mapped[str | None] = mapped_column(String(200))  # why it is undeliverable
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # delivered or given up


class Verdict(StrEnum):
    RIGHT = "right"  # ✅ the drag worked
    WRONG = "wrong"  # ❌ it did not


class AnswerReport(Base):
    """What the member said of an answer: one row per request, changed by a later press."""

    __tablename__ = "answer_reports"
    __table_args__ = (Index("ix_answer_reports_reported_at", "reported_at"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("solve_requests.id"), primary_key=True, autoincrement=False)
    verdict: Mapped[str] = mapped_column(String(8))
    reported_by: Mapped[int] = mapped_column(BigInteger)  # the member, or an admin
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # the latest press
