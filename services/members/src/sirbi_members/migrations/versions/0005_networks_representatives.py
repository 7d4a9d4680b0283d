"""National networks and representatives.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("country", sa.String(2), sa.ForeignKey("member_states.code"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("official_name", sa.Text, nullable=False),
        sa.Column("governing_entity", sa.Text, nullable=False),
        sa.Column("website", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('public', 'school', 'popular', 'university', 'mixed')", name="kind"),
        sa.CheckConstraint("status IN ('constituted', 'in_formation')", name="status"),
        sa.CheckConstraint("website ~* '^https?://'", name="website_http"),
        # One network per name in a country; its index also serves the list order and country filter.
        sa.UniqueConstraint("country", "official_name", name="uq_networks_country_name"),
    )
    op.create_index("ix_networks_kind", "networks", ["kind"])
    op.create_index("ix_networks_status", "networks", ["status"])

    op.create_table(
        "representatives",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("country", sa.String(2), sa.ForeignKey("member_states.code"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Text, nullable=False),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("network_id", sa.Uuid, sa.ForeignKey("networks.id")),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("phone", sa.Text),
        sa.Column("appointed_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("role IN ('focal_point', 'alternate')", name="role"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= appointed_on", name="ended_after_appointed"),
    )
    op.create_index("ix_representatives_country_name_id", "representatives", ["country", "name", "id"])
    op.create_index("ix_representatives_role", "representatives", ["role"])
    op.create_index("ix_representatives_network_id", "representatives", ["network_id"])
    op.create_index(
        "ix_representatives_active",
        "representatives",
        ["country", "name", "id"],
        postgresql_where=sa.text("ended_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("representatives")
    op.drop_table("networks")
