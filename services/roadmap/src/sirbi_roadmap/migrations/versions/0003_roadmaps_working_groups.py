"""Roadmaps, strategic lines and working groups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "roadmaps",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        *_timestamps(),
        sa.CheckConstraint("ends_on > starts_on", name="period_in_order"),
    )
    op.create_table(
        "strategic_lines",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("roadmap_id", sa.Uuid, sa.ForeignKey("roadmaps.id"), nullable=False, index=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("roadmap_id", "code", name="uq_strategic_lines_code"),
    )
    op.create_table(
        "working_groups",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("areas", ARRAY(sa.String(60)), nullable=False),
        sa.Column("coordinator_name", sa.Text, nullable=False),
        sa.Column("coordinator_country", sa.String(2), nullable=False),
        sa.Column("coordinator_subject", sa.Text),
        *_timestamps(),
    )
    op.create_index("uq_working_groups_name_lower", "working_groups", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "working_group_countries",
        sa.Column(
            "group_id", sa.Uuid, sa.ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("joined_on", sa.Date, nullable=False),
    )
    op.create_table(
        "working_group_people",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "group_id",
            sa.Uuid,
            sa.ForeignKey("working_groups.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("joined_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "working_group_people",
        "working_group_countries",
        "working_groups",
        "strategic_lines",
        "roadmaps",
    ):
        op.drop_table(table)
