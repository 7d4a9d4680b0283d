"""Library use cases: register, describe anew, close, and apply a batch of imported rows.

Every written library gets its event on the directory stream and a history entry, in the same
transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.libraries import repository
from sirbi_members.libraries.events import LibraryClosed, LibraryEvent, LibraryRegistered, LibraryUpdated
from sirbi_members.libraries.isil import InvalidIsil, validate_isil
from sirbi_members.libraries.models import Library, LibraryStatus
from sirbi_members.libraries.schemas import LibraryCreate, LibraryFields, LibraryPublic
from sirbi_members.member_states import repository as member_states
from sirbi_members.streams import directory_outbox, directory_stream
from sirbi_shared.events import CloudEvent
from sirbi_shared.history import ChangeEntry, record_changes
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version
from sirbi_shared.turns import in_turns


async def _announce(session: AsyncSession, changes: Sequence[tuple[LibraryEvent, str]], actor: str) -> None:
    events: list[CloudEvent] = []
    history: list[ChangeEntry] = []
    async for event, action in in_turns(changes):
        library_id = str(event.library.id)
        envelope = directory_stream.new_event(event, aggregate_id=library_id)
        events.append(envelope)
        history.append(
            ChangeEntry(
                aggregate_type="library",
                aggregate_id=library_id,
                version=event.library.version,
                action=action,
                actor=actor,
                state=envelope.data["library"],  # serialised once, for the event and the history
            )
        )
    await directory_outbox.add_many(session, events)
    await record_changes(session, history)


async def ensure_member_state(session: AsyncSession, country: str) -> None:
    if not await member_states.exists(session, country.upper()):
        raise ProblemError(422, "unknown_member_state", f"{country} is not a member state.", country=country)


async def register(session: AsyncSession, body: LibraryCreate, actor: str) -> Library:
    await ensure_member_state(session, body.country)
    values = repository.row_values(body.country, body)
    if await repository.key_taken(session, values["directory_key"]):
        raise ProblemError(
            409, "library_exists", "A library with this ISIL or national id is already in the directory."
        )
    written = await repository.upsert(session, [values])
    if not written or written[0].version != 1:
        # Registered by a concurrent request between the check and the insert: the upsert left
        # it alone or updated it; either way this is a conflict (and the error rolls back).
        raise ProblemError(
            409, "library_exists", "A library with this ISIL or national id is already in the directory."
        )
    [row] = written
    public = LibraryPublic.described(
        body, id=row.id, country=body.country, version=row.version, updated_at=row.updated_at
    )
    await _announce(session, [(LibraryRegistered(library=public), "registered")], actor)
    return await repository.get(session, row.id)


async def describe(
    session: AsyncSession, library_id: uuid.UUID, fields: LibraryFields, expected: int, actor: str
) -> Library:
    """Replace a library's description (its country and identity keep)."""
    library = await repository.get(session, library_id, for_update=True)
    check_version(library.version, expected)
    if library.status == LibraryStatus.CLOSED:
        raise ProblemError(409, "library_closed", "A closed library cannot be edited.")
    if fields.isil:
        try:
            fields = fields.model_copy(update={"isil": validate_isil(fields.isil, library.country)})
        except InvalidIsil as exc:
            raise ProblemError(
                422,
                "validation_failed",
                "The request has invalid fields.",
                errors=[{"location": ["body", "isil"], "message": str(exc), "type": "value_error"}],
            ) from exc
    values = repository.row_values(library.country, fields)
    if values["directory_key"] != library.directory_key and await repository.key_taken(
        session, values["directory_key"]
    ):
        raise ProblemError(409, "library_exists", "Another library has this ISIL or national id.")
    changed = False
    for column, value in values.items():
        if getattr(library, column) != value:
            setattr(library, column, value)
            changed = True
    if changed:
        library.version += 1
        library.updated_at = datetime.now(UTC)
        await session.flush()
        await session.refresh(library)
        await _announce(session, [(LibraryUpdated(library=LibraryPublic.of(library)), "updated")], actor)
    return library


async def close(
    session: AsyncSession, library_id: uuid.UUID, reason: str, expected: int, actor: str
) -> Library:
    library = await repository.get(session, library_id, for_update=True)
    check_version(library.version, expected)
    if library.status == LibraryStatus.CLOSED:
        raise ProblemError(409, "library_closed", "The library is already closed.")
    library.status = LibraryStatus.CLOSED
    library.version += 1
    library.updated_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(library)
    await _announce(
        session, [(LibraryClosed(library=LibraryPublic.of(library), reason=reason), "closed")], actor
    )
    return library


async def apply_import_batch(
    session: AsyncSession, country: str, rows: Sequence[LibraryFields], actor: str
) -> tuple[int, int]:
    """Upsert validated rows of one country; returns (created, updated). Unchanged rows emit nothing."""
    values = [repository.row_values(country, row) async for row in in_turns(rows)]
    described = {v["directory_key"]: row for v, row in zip(values, rows, strict=True)}
    changes: list[tuple[LibraryEvent, str]] = []
    async for written in in_turns(await repository.upsert(session, values)):
        public = LibraryPublic.described(
            described[written.directory_key],
            id=written.id,
            country=country,
            version=written.version,
            updated_at=written.updated_at,
        )
        if written.version == 1:  # inserted by this statement
            changes.append((LibraryRegistered(library=public), "registered"))
        else:
            changes.append((LibraryUpdated(library=public), "updated"))
    await _announce(session, changes, actor)
    created = sum(1 for event, _ in changes if isinstance(event, LibraryRegistered))
    return created, len(changes) - created
