"""CloudEvents envelope, event catalogues per service stream, topics and the AsyncAPI document."""

from sirbi_shared.events.envelope import CloudEvent, EnvelopeError
from sirbi_shared.events.stream import EventPayload, EventStream, EventType, UnknownEventType
from sirbi_shared.events.topics import TopicSpec, ensure_topics

__all__ = [
    "CloudEvent",
    "EnvelopeError",
    "EventPayload",
    "EventStream",
    "EventType",
    "TopicSpec",
    "UnknownEventType",
    "ensure_topics",
]
