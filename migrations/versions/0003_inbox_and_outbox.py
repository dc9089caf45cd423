"""a durable inbox of updates and an outbox of messages owed; the state before a paid job is created

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbox")),
    )
    with op.batch_alter_table("inbox") as batch:
        batch.create_index("ix_inbox_handled_at", ["handled_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("reply_to", sa.BigInteger(), nullable=False),
        sa.Column("replaces", sa.BigInteger(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["solve_requests.id"], name=op.f("fk_outbox_request_id_solve_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_state", ["state", "id"], unique=False)

    with op.batch_alter_table("solve_requests") as batch:
        batch.add_column(sa.Column("downscaled_photo", sa.Boolean(), server_default="0", nullable=False))
        batch.drop_column("delivered_at")
    # Before this revision a queued request could already be at the provider (its job id was written
    # later, in batches): after a crash it may exist, which is what "submitting" now says.
    op.execute("UPDATE solve_requests SET status = 'submitting' WHERE status = 'queued'")


def downgrade() -> None:
    op.execute("UPDATE solve_requests SET status = 'queued' WHERE status = 'submitting'")
    with op.batch_alter_table("solve_requests") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_column("downscaled_photo")
    op.execute("UPDATE solve_requests SET delivered_at = answered_at")  # the outbox knew what was delivered
    op.drop_table("outbox")
    op.drop_table("inbox")
