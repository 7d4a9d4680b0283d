"""The library directory.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Trigram matching makes "contains this text" searches use an index (trusted extension).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "libraries",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("country", sa.String(2), sa.ForeignKey("member_states.code"), nullable=False),
        sa.Column("directory_key", sa.Text, nullable=False, unique=True),
        sa.Column("isil", sa.String(16)),
        sa.Column("national_id", sa.String(50)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("admin_levels", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("admin_area", sa.Text, nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("capabilities", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "type IN ('public', 'school', 'national', 'university', 'special', 'community')", name="type"
        ),
        sa.CheckConstraint("status IN ('open', 'temporarily_closed', 'planned', 'closed')", name="status"),
        sa.CheckConstraint("isil IS NOT NULL OR national_id IS NOT NULL", name="identified"),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="coordinates"
        ),
    )
    op.create_index("ix_libraries_country_name", "libraries", ["country", "name", "id"])
    op.create_index("ix_libraries_admin_area", "libraries", ["country", "admin_area"])
    op.create_index("ix_libraries_capabilities", "libraries", ["capabilities"], postgresql_using="gin")
    op.create_index(
        "ix_libraries_search_text",
        "libraries",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_table("libraries")
