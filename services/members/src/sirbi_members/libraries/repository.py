"""Libraries in the database, one at a time and in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, MetaData, Row, Table, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateTable
from uuid_utils.compat import uuid7

from sirbi_members.libraries.isil import directory_key
from sirbi_members.libraries.models import Library
from sirbi_members.libraries.schemas import LibraryFields, admin_area, search_text
from sirbi_members.libraries.search import DirectoryQuery, Plan, choose_plan
from sirbi_shared.db import copy_rows
from sirbi_shared.http.problems import ProblemError

# The columns an import or an edit may change; an upsert that changes none of them is no change.
DESCRIBED = (
    "isil",
    "national_id",
    "name",
    "type",
    "admin_levels",
    "admin_area",
    "address",
    "latitude",
    "longitude",
    "status",
    "capabilities",
    "search_text",
)


def row_values(country: str, fields: LibraryFields) -> dict[str, Any]:
    """The column values of a library described by `fields` in `country`."""
    area = admin_area(fields.admin_levels)
    return {
        "country": country,
        "directory_key": directory_key(country, fields.isil, fields.national_id),
        "isil": fields.isil,
        "national_id": fields.national_id,
        "name": fields.name,
        "type": str(fields.type),
        "admin_levels": list(fields.admin_levels),
        "admin_area": area,
        "address": fields.address,
        "latitude": fields.coordinates.latitude if fields.coordinates else None,
        "longitude": fields.coordinates.longitude if fields.coordinates else None,
        "status": str(fields.status),
        "capabilities": [str(c) for c in fields.capabilities],
        "search_text": search_text(fields.name, area, fields.address, fields.isil, fields.national_id),
    }


async def get(session: AsyncSession, library_id: uuid.UUID, *, for_update: bool = False) -> Library:
    statement = select(Library).where(Library.id == library_id)
    if for_update:
        # populate_existing: a library this session already loaded (the endpoint reads it first,
        # for its country) must take the locked row's values, or the version check would compare
        # against what was read before another change committed (R7).
        statement = statement.with_for_update().execution_options(populate_existing=True)
    library = (await session.execute(statement)).scalar_one_or_none()
    if library is None:
        raise ProblemError(404, "library_not_found", f"No library {library_id}.", library_id=str(library_id))
    return library


async def search_page(
    session: AsyncSession, query: DirectoryQuery, limit: int, cursor: str | None
) -> tuple[list[Library], Plan | None]:
    """`limit + 1` libraries of a search after the cursor, and the plan taken for a text search.

    Which plan answers a text search fast depends on where its matches lie in directory order,
    which PostgreSQL's estimates do not see (search.py); a sample decides, and the choice holds
    for this transaction only. Searches without text are left to the planner: their filters
    have statistics of their own.
    """
    plan = None
    if query.terms():
        sampled, hits, walked = (await session.execute(query.sample(limit, cursor))).one()
        plan = choose_plan(sampled, hits, walked)
        settings = plan.settings()
        await session.execute(
            select(*(func.set_config(name, value, True) for name, value in settings.items()))
        )
    return list((await session.execute(query.page(limit, cursor))).scalars()), plan


async def key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.execute(select(Library.id).where(Library.directory_key == key))).first() is not None


# Rows on their way into `libraries`: COPY fills this per-connection scratch table, then one
# INSERT … SELECT … ON CONFLICT merges it. Emptied at each commit; lives as long as the connection.
_incoming = Table(
    "incoming_libraries",
    MetaData(),
    *(Column(c.name, c.type) for c in Library.__table__.columns if c.name != "created_at"),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DELETE ROWS",
)
_INCOMING_COLUMNS = [c.name for c in _incoming.columns]


def _incoming_record(row: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    # Time-ordered ids: new rows land at the right edge of the primary key index.
    values = {**row, "id": uuid7(), "version": 1, "updated_at": now}
    return tuple(values[c] for c in _INCOMING_COLUMNS)


def _merge_statement() -> Any:
    statement = insert(Library).from_select(_INCOMING_COLUMNS, select(_incoming))
    excluded = statement.excluded
    changed = tuple_(*(getattr(Library, c) for c in DESCRIBED)).is_distinct_from(
        tuple_(*(getattr(excluded, c) for c in DESCRIBED))
    )
    return statement.on_conflict_do_update(
        index_elements=[Library.directory_key],
        set_={
            **{c: getattr(excluded, c) for c in DESCRIBED},
            "version": Library.version + 1,
            "updated_at": excluded.updated_at,
        },
        # Only real changes are written; a key of another country, or a closed library, is left as is.
        where=changed & (Library.country == excluded.country) & (Library.status != "closed"),
    ).returning(Library.id, Library.directory_key, Library.version, Library.updated_at)


_MERGE = _merge_statement()


async def upsert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[Row[Any]]:
    """Insert new libraries and update changed ones (values from `row_values`).

    Returns (id, directory_key, version, updated_at) of the rows that were written: a library is
    new when its version is 1, and its described columns are the given values. A row identical
    to what is stored is not touched (no new version), which is what makes re-importing a file a
    no-op. A key that belongs to another country is never moved by a country's import.
    """
    if not rows:
        return []
    now = datetime.now(UTC)
    await session.execute(CreateTable(_incoming, if_not_exists=True))
    await copy_rows(
        session,
        _incoming,
        _INCOMING_COLUMNS,
        [_incoming_record(row, now) for row in rows],
    )
    return list((await session.execute(_MERGE)).all())
