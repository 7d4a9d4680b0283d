"""Filing platform events: a feed row for people, and the record's latest state for the
dashboard, both in the transaction of the events' inbox rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.activity import repository
from sirbi_gateway.dashboard import replicas
from sirbi_gateway.event_facts import EventFacts, facts_of
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import PermanentEventError

# How people name the records; anything else reads from its type name ("working_group" → "Working group").
_AGGREGATE_LABELS = {"memberstate": "Member state", "directoryimport": "Directory import"}


def _state_of(event: CloudEvent) -> dict[str, Any] | None:
    """The record's whole state: the payload's object that carries a `version`."""
    for value in event.data.values():
        if isinstance(value, dict) and "version" in value:
            return value
    return None


def _name_of(state: dict[str, Any] | None, event: CloudEvent) -> str | None:
    if state is None:
        return event.data.get("country") if isinstance(event.data.get("country"), str) else event.subject
    names = state.get("names")
    for candidate in (
        state.get("title"),
        state.get("name"),
        state.get("official_name"),
        names.get("es") if isinstance(names, dict) else None,
        state.get("code"),
        state.get("id"),
    ):
        if isinstance(candidate, str) and candidate:
            return candidate
    return event.subject


def _title(facts: EventFacts, state: dict[str, Any] | None, event: CloudEvent) -> str:
    label = _AGGREGATE_LABELS.get(facts.aggregate, facts.aggregate.replace("_", " ").capitalize())
    name = _name_of(state, event)
    happened = f"{label} {facts.verb.replace('_', ' ')}"
    return f"{happened}: {name}"[:300] if name else happened


def _record_state(facts: EventFacts, state: dict[str, Any]) -> replicas.RecordState | None:
    version = state["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise PermanentEventError(f"the {facts.aggregate}'s version is not a whole number: {version!r}")
    record_id = state.get("id", state.get("code"))
    if not isinstance(record_id, str | int):
        return None  # nothing to key a replica on; the feed row is all there is
    country = state.get("code") if facts.aggregate == "memberstate" else state.get("country")
    status, kind = state.get("status"), state.get("type")
    return replicas.RecordState(
        aggregate=facts.aggregate,
        record_id=str(record_id),
        version=version,
        status=status if isinstance(status, str) else None,
        kind=kind if isinstance(kind, str) else None,
        country=country.upper() if isinstance(country, str) and len(country) == 2 else None,
    )


async def file_events(events: Sequence[CloudEvent], session: AsyncSession) -> None:
    """File the events in the feed and their records' states in the replica: a statement for
    each, whatever the number of events."""
    feed: list[dict[str, Any]] = []
    records: list[replicas.RecordState] = []
    for event in events:
        facts = facts_of(event)
        if facts.service == "unknown":
            # Not `org.sirbi.<service>.<aggregate>.<verb>.v<n>`: nobody could filter or explain it.
            raise PermanentEventError(f"{event.type}: not a platform event type")
        state = _state_of(event)
        record = _record_state(facts, state) if state is not None else None
        if record is not None:
            records.append(record)
        feed.append(
            {
                "event_id": event.id,
                "source": event.source,
                "type": event.type,
                "service": facts.service,
                "aggregate": facts.aggregate,
                "verb": facts.verb,
                "subject": facts.subject,
                "countries": sorted(facts.countries),
                "occurred_at": event.time,
                "title": _title(facts, state, event),
                "data": event.data,
            }
        )
    await repository.append_all(session, feed)
    await replicas.keep_all(session, records)
