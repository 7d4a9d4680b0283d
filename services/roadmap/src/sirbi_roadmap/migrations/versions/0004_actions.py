"""Actions, their progress log, indicators and milestones.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("proposed", "planned", "in_progress", "blocked", "done", "cancelled")


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("line_id", sa.Uuid, sa.ForeignKey("strategic_lines.id"), index=True),
        sa.Column("working_group_id", sa.Uuid, sa.ForeignKey("working_groups.id"), index=True),
        sa.Column("lead_country", sa.String(2), nullable=False, index=True),
        sa.Column("participants", ARRAY(sa.String(2)), nullable=False),
        sa.Column("agreement_id", sa.Uuid, index=True),
        sa.Column("origin", sa.String(30), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("paused_from", sa.String(30)),
        sa.Column("priority", sa.String(30), nullable=False),
        sa.Column("flags", ARRAY(sa.String(40)), nullable=False),
        sa.Column("overdue_notice_for", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        sa.CheckConstraint("due_date IS NULL OR due_date >= start_date", name="dates_in_order"),
    )
    # One implementation action per agreement, however often its entry into force is delivered.
    op.create_index(
        "uq_actions_implements_agreement",
        "actions",
        ["agreement_id"],
        unique=True,
        postgresql_where=sa.text("origin = 'agreement'"),
    )
    op.create_index("ix_actions_created", "actions", ["created_at", "id"])
    op.create_index("ix_actions_participants", "actions", ["participants"], postgresql_using="gin")
    op.create_table(
        "action_progress",
        sa.Column("action_id", sa.Uuid, sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("percent", sa.Integer),
        sa.Column("reported_by", sa.Text, nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("percent IS NULL OR percent BETWEEN 0 AND 100", name="percent"),
    )
    op.create_table(
        "action_indicators",
        sa.Column("action_id", sa.Uuid, sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("target", sa.Numeric(14, 2), nullable=False),
        sa.Column("current", sa.Numeric(14, 2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "action_milestones",
        sa.Column("action_id", sa.Uuid, sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("reached_on", sa.Date),
    )


def downgrade() -> None:
    for table in ("action_milestones", "action_indicators", "action_progress", "actions"):
        op.drop_table(table)
