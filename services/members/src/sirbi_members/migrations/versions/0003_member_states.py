"""Member states.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
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
        "member_states",
        sa.Column("code", sa.String(2), primary_key=True),
        sa.Column("name_es", sa.Text, nullable=False),
        sa.Column("name_pt", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("admitted_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('candidate', 'active', 'suspended', 'withdrawn')", name="status"),
        sa.CheckConstraint("code ~ '^[A-Z]{2}$'", name="code_iso_alpha2"),
    )


def downgrade() -> None:
    op.drop_table("member_states")
