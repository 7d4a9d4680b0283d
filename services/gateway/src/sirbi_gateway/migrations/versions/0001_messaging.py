"""Outbox and inbox tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from sirbi_shared.outbox.tables import create_messaging_schema, drop_messaging_schema

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_schema(op)


def downgrade() -> None:
    drop_messaging_schema(op)
