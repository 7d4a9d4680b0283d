"""Partners, agreements, their parties and amendments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = (
    "draft",
    "proposed",
    "partially_signed",
    "signed",
    "in_force",
    "suspended",
    "under_review",
    "expired",
    "terminated",
)


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("website", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("uq_partners_name_lower", "partners", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "agreements",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("code", sa.String(60), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("objectives", sa.Text, nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("areas", ARRAY(sa.String(60)), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date),
        sa.Column("renewal_rule", sa.String(30), nullable=False),
        sa.Column("renewal_months", sa.Integer),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("paused_from", sa.String(30)),
        sa.Column("expiry_notice_for", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(_one_of("status", STATUSES), name="status"),
        sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name="dates_in_order"),
    )
    op.create_index("ix_agreements_status_end_date", "agreements", ["status", "end_date"])
    op.create_index("ix_agreements_areas", "agreements", ["areas"], postgresql_using="gin")
    op.create_table(
        "agreement_parties",
        sa.Column(
            "agreement_id", sa.Uuid, sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("signatory", sa.Text),
        sa.Column("signatory_position", sa.Text),
        sa.Column("signed_on", sa.Date),
        sa.Column("signed_by", sa.Text),
        sa.UniqueConstraint("agreement_id", "ref", name="uq_agreement_parties_ref"),
        sa.CheckConstraint(_one_of("kind", ("member_state", "network", "partner")), name="kind"),
    )
    op.create_index("ix_agreement_parties_ref", "agreement_parties", ["ref"])
    op.create_index("ix_agreement_parties_country", "agreement_parties", ["country"])
    op.create_table(
        "amendments",
        sa.Column(
            "agreement_id", sa.Uuid, sa.ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("amended_by", sa.Text, nullable=False),
        sa.Column("amended_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("amendments")
    op.drop_table("agreement_parties")
    op.drop_table("agreements")
    op.drop_table("partners")
