"""A service's event stream: its topic and the catalogue of event types published on it.

Each service declares one `EventStream` and registers its payload models on it:

    members = EventStream("members")

    @members.event("memberstate", "admitted")
    class MemberStateAdmitted(EventPayload):
        code: str

The type name becomes `org.sirbi.members.memberstate.admitted.v1`, the topic `sirbi.members.v1`.
Consumers parse incoming events through the publishing stream's catalogue, so an unknown type or
version is told apart from a known one with a bad payload.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from sirbi_shared.events.envelope import PARTITION_KEY, CloudEvent, check_extension_names, new_event_id
from sirbi_shared.events.topics import TopicSpec

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPE = re.compile(
    r"^org\.sirbi\.(?P<service>[a-z_]+)\.(?P<aggregate>[a-z_]+)\.(?P<verb>[a-z_]+)\.v(?P<v>\d+)$"
)


class EventPayload(BaseModel):
    """Base of every event's data: immutable, no unknown fields on the way out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]


class UnknownEventType(LookupError):
    """An event type (or version of a known type) that the catalogue does not have."""


@dataclass(frozen=True)
class EventType:
    name: str
    aggregate: str
    verb: str
    version: int
    payload: type[EventPayload]
    description: str

    @property
    def family(self) -> str:
        """The type name without its version: `org.sirbi.members.memberstate.admitted`."""
        return self.name.rsplit(".", 1)[0]


P = TypeVar("P", bound=type[EventPayload])


class EventStream:
    """One service's stream of events (one Kafka topic, keyed by aggregate id)."""

    def __init__(
        self, service: str, *, name: str | None = None, partitions: int = 6, version: int = 1
    ) -> None:
        """`name` gives a service a second stream (`sirbi.<name>.v1`); type names keep the service's."""
        for part in (service, name or service):
            if not _NAME.match(part):
                raise ValueError(f"invalid stream name {part!r}")
        self.service = service
        self.name = name or service
        self.topic = f"sirbi.{self.name}.v{version}"
        self.dead_letter_topic = f"{self.topic}.dlq"
        self.source = f"/sirbi/{service}"
        self.partitions = partitions
        self._types: dict[str, EventType] = {}

    # -- catalogue --------------------------------------------------------------------------

    def event(self, aggregate: str, verb: str, *, version: int = 1) -> Callable[[P], P]:
        """Register a payload model as `org.sirbi.<service>.<aggregate>.<verb>.v<version>`."""
        for part in (aggregate, verb):
            if not _NAME.match(part):
                raise ValueError(f"invalid event name part {part!r}")

        def register(payload: P) -> P:
            name = f"org.sirbi.{self.service}.{aggregate}.{verb}.v{version}"
            if name in self._types:
                raise ValueError(f"event type {name} registered twice")
            description = (payload.__doc__ or "").strip()
            self._types[name] = EventType(name, aggregate, verb, version, payload, description)
            payload.event_type = name
            return payload

        return register

    def __iter__(self) -> Iterator[EventType]:
        return iter(sorted(self._types.values(), key=lambda t: t.name))

    @property
    def types(self) -> Mapping[str, EventType]:
        return self._types

    def topics(self) -> list[TopicSpec]:
        """The stream and its dead-letter topic, kept forever so a replica can be rebuilt."""
        keep_forever = {"retention.ms": "-1", "retention.bytes": "-1"}
        return [
            TopicSpec(self.topic, self.partitions, keep_forever),
            TopicSpec(self.dead_letter_topic, 1, keep_forever),
        ]

    # -- making and reading events ----------------------------------------------------------

    def new_event(
        self,
        payload: EventPayload,
        *,
        aggregate_id: str,
        extensions: Mapping[str, str] | None = None,
    ) -> CloudEvent:
        """Wrap a payload in its envelope; the aggregate id is both subject and partition key."""
        name = type(payload).event_type
        if self._types.get(name, None) is None or self._types[name].payload is not type(payload):
            raise UnknownEventType(f"{name} is not registered on stream {self.topic}")
        merged = {**(extensions or {}), PARTITION_KEY: aggregate_id}
        check_extension_names(merged)
        # Every other part is known good (our source, a registered type, a validated payload), so
        # the envelope is not validated again: bulk writes make one per row.
        return CloudEvent.model_construct(
            id=new_event_id(),
            time=datetime.now(UTC),
            source=self.source,
            type=name,
            subject=aggregate_id,
            data=payload.model_dump(mode="json"),
            extensions=merged,
        )

    def parse(self, event: CloudEvent) -> EventPayload:
        """The typed payload of an incoming event; raises UnknownEventType or ValidationError."""
        known = self._types.get(event.type)
        if known is None:
            match = _TYPE.match(event.type)
            family = event.type.rsplit(".", 1)[0] if match else None
            versions = sorted(t.version for t in self._types.values() if t.family == family)
            if versions:
                raise UnknownEventType(f"{event.type}: version not supported (known: v{versions})")
            raise UnknownEventType(f"{event.type}: unknown event type on {self.topic}")
        return known.payload.model_validate(event.data)

    def knows_family(self, event_type: str) -> bool:
        family = event_type.rsplit(".", 1)[0]
        return any(t.family == family for t in self._types.values())

    def json_schemas(self) -> dict[str, dict[str, Any]]:
        return {t.name: t.payload.model_json_schema() for t in self}
