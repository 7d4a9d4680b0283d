"""What the gateway reads off any platform event to file and filter it: which service and
record it is about, and which member countries it concerns.

The services' payloads are read from their documented contracts (docs/events/asyncapi.json):
each carries its record's whole state under one key (`member_state`, `network`, `library`,
`agreement`, `action`, …), and countries sit in known fields of those states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sirbi_shared.events import CloudEvent

# The streams the gateway follows (logical names; the physical ones carry the topic prefix).
SERVICE_TOPICS = ("sirbi.members.v1", "sirbi.directory.v1", "sirbi.agreements.v1", "sirbi.roadmap.v1")

# Fields of a record's state that hold one country, or several.
_ONE_COUNTRY = ("country", "lead_country", "code")
_MANY_COUNTRIES = ("countries", "participants")


@dataclass(frozen=True)
class EventFacts:
    service: str  # members, agreements, roadmap
    aggregate: str  # memberstate, library, agreement, action, …
    verb: str  # admitted, signed, overdue, …
    countries: frozenset[str]
    subject: str | None


def _countries_of(aggregate: str, state: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for field in _ONE_COUNTRY:
        value = state.get(field)
        # A member state's `code` is its country; elsewhere `code` names a record, not a country.
        if field == "code" and aggregate != "memberstate":
            continue
        if isinstance(value, str) and len(value) == 2 and value.isalpha():
            found.add(value.upper())
    for field in _MANY_COUNTRIES:
        values = state.get(field)
        if isinstance(values, list):
            found.update(v.upper() for v in values if isinstance(v, str) and len(v) == 2)
    for party in state.get("parties", []) if isinstance(state.get("parties"), list) else []:
        if isinstance(party, dict) and isinstance(party.get("country"), str):
            found.add(party["country"].upper())
    return found


def facts_of(event: CloudEvent) -> EventFacts:
    """`org.sirbi.<service>.<aggregate>.<verb>.v<n>` and the countries in its payload."""
    parts = event.type.split(".")
    service, aggregate, verb = (
        (parts[2], parts[3], parts[4]) if len(parts) >= 6 else ("unknown", "unknown", event.type)
    )
    countries: set[str] = set()
    for value in event.data.values():
        if isinstance(value, dict):
            countries |= _countries_of(aggregate, value)
    if isinstance(event.data.get("member_state"), str):  # e.g. agreement.put_under_review
        countries.add(event.data["member_state"].upper())
    if isinstance(event.data.get("country"), str):  # e.g. action.participant_withdrawn
        countries.add(event.data["country"].upper())
    return EventFacts(service, aggregate, verb, frozenset(countries), event.subject)
