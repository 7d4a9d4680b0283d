"""The change history of a service's records: who did what, when, and the state it left.

Every use case that changes an aggregate appends one entry in its transaction, beside the
outbox event; the API serves the entries as the record's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypedDict

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import copy_rows

history_metadata = MetaData()

history_table = Table(
    "history",
    history_metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("aggregate_type", String(50), nullable=False),
    Column("aggregate_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", String(50), nullable=False),
    Column("actor", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("state", JSONB, nullable=False),
)
Index(
    "ix_history_aggregate", history_table.c.aggregate_type, history_table.c.aggregate_id, history_table.c.id
)


class HistoryEntry(BaseModel):
    version: int
    action: str
    actor: str
    occurred_at: datetime
    state: dict[str, Any]


def install_history_table(bind: Connection) -> None:
    """Create the table on a synchronous connection (a service's Alembic migration, or run_sync)."""
    history_metadata.create_all(bind)


class ChangeEntry(TypedDict):
    """One entry as it is written: the columns of `history_table` a change fills."""

    aggregate_type: str
    aggregate_id: str
    version: int
    action: str
    actor: str
    state: dict[str, Any]


HISTORY_COLUMNS = tuple(ChangeEntry.__annotations__)


async def record_changes(session: AsyncSession, entries: Sequence[ChangeEntry]) -> None:
    """Many entries at once (bulk operations, by COPY)."""
    if entries:
        await copy_rows(
            session,
            history_table,
            HISTORY_COLUMNS,
            (
                (
                    e["aggregate_type"],
                    e["aggregate_id"],
                    e["version"],
                    e["action"],
                    e["actor"],
                    to_json(e["state"]).decode(),
                )
                for e in entries
            ),
        )


async def read_history(session: AsyncSession, aggregate_type: str, aggregate_id: str) -> list[HistoryEntry]:
    rows = await session.execute(
        select(
            history_table.c.version,
            history_table.c.action,
            history_table.c.actor,
            history_table.c.occurred_at,
            history_table.c.state,
        )
        .where(history_table.c.aggregate_type == aggregate_type, history_table.c.aggregate_id == aggregate_id)
        .order_by(history_table.c.id)
    )
    return [HistoryEntry.model_validate(row._asdict()) for row in rows]
