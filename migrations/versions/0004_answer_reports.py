"""✅/❌ reports on answers, and the buttons an owed message carries

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_reports",
        sa.Column("request_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("reported_by", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["solve_requests.id"], name=op.f("fk_answer_reports_request_id_solve_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_answer_reports")),
    )
    with op.batch_alter_table("answer_reports") as batch:
        batch.create_index("ix_answer_reports_reported_at", ["reported_at"], unique=False)
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("reports", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reports")
    op.drop_table("answer_reports")
