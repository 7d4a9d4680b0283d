"""Filing events in the feed and reading it back, newest first or after a position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.activity.models import NEW_ACTIVITY_CHANNEL, Activity
from sirbi_shared.db import table_of
from sirbi_shared.http.pagination import decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError

# Built once; a rebuild from the start of the topics files nothing twice, whatever the inbox holds.
_FILE = insert(table_of(Activity)).on_conflict_do_nothing(constraint="uq_activity_source_event_id")
_TELL_STREAMS = text(f"SELECT pg_notify('{NEW_ACTIVITY_CHANNEL}', '')")


async def append_all(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """File events: one statement, run for every row in one round trip. Live streams are told
    once when the transaction commits (NOTIFY is transactional), never about a rolled-back row."""
    if not rows:
        return
    await session.execute(_FILE, list(rows))
    await session.execute(_TELL_STREAMS)


@dataclass(frozen=True)
class ActivityFilter:
    country: str | None = None  # concerns this member state
    service: str | None = None
    type: str | None = None  # a full type (`org.sirbi.…v1`) or a verb (`signed`)
    since: datetime | None = None  # happened at or after

    def apply(self, statement: Select[Activity]) -> Select[Activity]:
        if self.country is not None:
            statement = statement.where(Activity.countries.contains([self.country]))
        if self.service is not None:
            statement = statement.where(Activity.service == self.service)
        if self.type is not None:
            column = Activity.type if "." in self.type else Activity.verb
            statement = statement.where(column == self.type)
        if self.since is not None:
            statement = statement.where(Activity.occurred_at >= self.since)
        return statement


async def newest_first(
    session: AsyncSession, filters: ActivityFilter, cursor: str | None, limit: int
) -> tuple[list[Activity], str | None]:
    """One page, newest first; the cursor carries the last position returned."""
    statement = filters.apply(select(Activity))
    before = decode_cursor(cursor, 1)
    if before is not None:
        if not isinstance(before[0], int):
            raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
        statement = statement.where(Activity.position < before[0])
    rows = list(
        (await session.execute(statement.order_by(Activity.position.desc()).limit(limit + 1))).scalars()
    )
    if len(rows) > limit:
        return rows[:limit], encode_cursor([rows[limit - 1].position])
    return rows, None


async def after(session: AsyncSession, filters: ActivityFilter, position: int, limit: int) -> list[Activity]:
    """What was filed after `position`, oldest first: what a live stream sends next."""
    statement = filters.apply(select(Activity)).where(Activity.position > position)
    return list((await session.execute(statement.order_by(Activity.position).limit(limit))).scalars())


async def last_position(session: AsyncSession) -> int:
    position: int | None = (await session.execute(select(func.max(Activity.position)))).scalar_one()
    return position or 0
