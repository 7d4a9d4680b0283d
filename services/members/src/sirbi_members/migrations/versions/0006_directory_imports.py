"""Directory import jobs and their rejected rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_imports",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("country", sa.String(2), sa.ForeignKey("member_states.code"), nullable=False),
        sa.Column("file_name", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("total_rows", sa.Integer),
        sa.Column("rows_done", sa.Integer, nullable=False),
        sa.Column("created", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("started_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('queued', 'running', 'completed', 'failed')", name="status"),
    )
    op.create_index("ix_directory_imports_country", "directory_imports", ["country", "created_at"])
    op.create_table(
        "directory_import_rejections",
        sa.Column("import_id", sa.Uuid, sa.ForeignKey("directory_imports.id"), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("directory_import_rejections")
    op.drop_table("directory_imports")
