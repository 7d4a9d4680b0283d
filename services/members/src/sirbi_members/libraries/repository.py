"""Libraries in the database, one at a time and in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.libraries.isil import directory_key
from sirbi_members.libraries.models import Library
from sirbi_members.libraries.schemas import LibraryFields, search_text
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
    admin_area = " / ".join(fields.admin_levels)
    return {
        "country": country,
        "directory_key": directory_key(country, fields.isil, fields.national_id),
        "isil": fields.isil,
        "national_id": fields.national_id,
        "name": fields.name,
        "type": str(fields.type),
        "admin_levels": list(fields.admin_levels),
        "admin_area": admin_area,
        "address": fields.address,
        "latitude": fields.coordinates.latitude if fields.coordinates else None,
        "longitude": fields.coordinates.longitude if fields.coordinates else None,
        "status": str(fields.status),
        "capabilities": [str(c) for c in fields.capabilities],
        "search_text": search_text(fields.name, admin_area, fields.address, fields.isil, fields.national_id),
    }


async def get(session: AsyncSession, library_id: uuid.UUID, *, for_update: bool = False) -> Library:
    statement = select(Library).where(Library.id == library_id)
    if for_update:
        statement = statement.with_for_update()
    library = (await session.execute(statement)).scalar_one_or_none()
    if library is None:
        raise ProblemError(404, "library_not_found", f"No library {library_id}.", library_id=str(library_id))
    return library


async def key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.execute(select(Library.id).where(Library.directory_key == key))).first() is not None


async def upsert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[tuple[Library, bool]]:
    """Insert new libraries and update changed ones in one statement.

    Returns only the rows that were written, each with True when it was new. A row identical to
    what is stored is not touched (no new version), which is what makes re-importing a file a
    no-op. A key that belongs to another country is never moved by a country's import.
    """
    if not rows:
        return []
    now = datetime.now(UTC)
    statement = insert(Library)
    excluded = statement.excluded
    changed = tuple_(*(getattr(Library, c) for c in DESCRIBED)).is_distinct_from(
        tuple_(*(getattr(excluded, c) for c in DESCRIBED))
    )
    upsert_statement = statement.on_conflict_do_update(
        index_elements=[Library.directory_key],
        set_={
            **{c: getattr(excluded, c) for c in DESCRIBED},
            "version": Library.version + 1,
            "updated_at": now,
        },
        where=changed & (Library.country == excluded.country) & (Library.status != "closed"),
    ).returning(Library)
    # Rows as a parameter list, not .values(rows): one compiled (and cached) statement, sent in
    # batches by SQLAlchemy's "insertmanyvalues", instead of a new huge statement per call.
    parameters = [{**row, "id": uuid.uuid4(), "version": 1, "updated_at": now} for row in rows]
    result = await session.scalars(
        upsert_statement, parameters, execution_options={"populate_existing": True}
    )
    # A library at version 1 after the statement was inserted by it; any other was updated.
    return [(library, library.version == 1) for library in result.all()]
