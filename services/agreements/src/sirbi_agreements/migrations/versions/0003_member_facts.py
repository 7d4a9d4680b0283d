"""Replica of member states and national networks, kept from the members service's events.

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
        "known_member_states",
        sa.Column("code", sa.String(2), primary_key=True),
        sa.Column("name_es", sa.Text, nullable=False),
        sa.Column("name_pt", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "known_networks",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("official_name", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_known_networks_country", "known_networks", ["country"])


def downgrade() -> None:
    op.drop_table("known_networks")
    op.drop_table("known_member_states")
