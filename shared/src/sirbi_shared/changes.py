"""One change of a record, as every service records it: its event in the outbox and its entry in
the history, in the caller's transaction (and in one statement), both carrying the record's
public state. A new record can go in with them, in the same statement."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.events import EventPayload
from sirbi_shared.history import ChangeEntry
from sirbi_shared.outbox import ChangedRow, NewRow, Outbox

# The actor of changes nobody clicked: a scheduler's, and those caused by other services' events.
SYSTEM_ACTOR = "system"


async def publish_change(
    session: AsyncSession,
    outbox: Outbox,
    event: EventPayload,
    *,
    aggregate_type: str,
    aggregate_id: str,
    version: int,
    action: str,
    actor: str,
    state: BaseModel,
    new_row: NewRow | None = None,
    changed_row: ChangedRow | None = None,
) -> None:
    """`new_row`: the record itself when it is new (its insert joins the statement, so a
    constraint it breaks, raised as IntegrityError, leaves nothing written); `changed_row`: its
    change when it exists (ChangeNotApplied when the record moved on first)."""
    entry = ChangeEntry(
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        version=version,
        action=action,
        actor=actor,
        state=state.model_dump(mode="json"),
    )
    # One statement, one round trip: the event and the entry go in together or not at all.
    await outbox.add(
        session, event, aggregate_id=aggregate_id, history=entry, new_row=new_row, changed_row=changed_row
    )
