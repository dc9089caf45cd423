"""the puzzle's width in the picture, for answers in units a member can drag

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("solve_requests") as batch:
        batch.add_column(sa.Column("puzzle_width", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("solve_requests") as batch:
        batch.drop_column("puzzle_width")
