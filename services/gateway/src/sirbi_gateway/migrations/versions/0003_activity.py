"""The read model: the activity feed and the replica the dashboard counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("position", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("service", sa.String(30), nullable=False),
        sa.Column("aggregate", sa.String(50), nullable=False),
        sa.Column("verb", sa.String(80), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("countries", postgresql.ARRAY(sa.String(2)), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_activity"),
        sa.UniqueConstraint("source", "event_id", name="uq_activity_source_event_id"),
    )
    op.create_index("ix_activity_countries", "activity", ["countries"], postgresql_using="gin")
    op.create_index("ix_activity_service_position", "activity", ["service", "position"])
    op.create_index("ix_activity_type_position", "activity", ["type", "position"])
    op.create_index("ix_activity_verb_position", "activity", ["verb", "position"])
    op.create_index("ix_activity_occurred_at", "activity", ["occurred_at"])
    op.create_table(
        "record_replicas",
        sa.Column("aggregate", sa.String(50), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(50), nullable=True),
        sa.Column("kind", sa.String(50), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("aggregate", "record_id", name="pk_record_replicas"),
    )
    op.create_index("ix_record_replicas_aggregate_status", "record_replicas", ["aggregate", "status"])
    op.create_index("ix_record_replicas_country", "record_replicas", ["country"])


def downgrade() -> None:
    op.drop_table("record_replicas")
    op.drop_table("activity")
