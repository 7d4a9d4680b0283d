"""The outbox without its NOTIFY trigger: relays are woken after commit (ADR 0002).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from sirbi_shared.outbox.tables import drop_outbox_notify_trigger, restore_outbox_notify_trigger

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drop_outbox_notify_trigger(op)


def downgrade() -> None:
    restore_outbox_notify_trigger(op)
