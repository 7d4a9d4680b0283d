"""The CloudEvents envelope: binary-mode round trip, SDK validation, and malformed records."""

from __future__ import annotations

from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from sirbi_shared.events import CloudEvent, EnvelopeError, EventPayload, EventStream, UnknownEventType


def _stream() -> tuple[EventStream, Any]:
    stream = EventStream("members")

    @stream.event("memberstate", "admitted")
    class Admitted(EventPayload):
        """A member state became an active member."""

        code: str

    return stream, Admitted


def test_type_names_and_topics_follow_the_convention() -> None:
    stream, admitted = _stream()
    assert admitted.event_type == "org.sirbi.members.memberstate.admitted.v1"
    assert stream.topic == "sirbi.members.v1"
    assert [t.name for t in stream.topics()] == ["sirbi.members.v1", "sirbi.members.v1.dlq"]
    assert all(t.config["retention.ms"] == "-1" for t in stream.topics())


def test_binary_mode_round_trip_is_a_valid_cloudevent_for_the_sdk() -> None:
    stream, admitted = _stream()
    event = stream.new_event(
        admitted(code="PE"),
        aggregate_id="PE",
        extensions={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"},
    )

    headers = event.kafka_headers()
    parsed = CloudEvent.from_kafka(headers, event.kafka_value(), event.kafka_key())
    assert parsed == event

    sdk_event = from_binary_event(
        KafkaMessage(headers=dict(headers), key=event.kafka_key(), value=event.kafka_value())
    )
    assert sdk_event.get_id() == event.id
    assert sdk_event.get_type() == "org.sirbi.members.memberstate.admitted.v1"
    assert sdk_event.get_source() == "/sirbi/members"
    assert sdk_event.get_subject() == "PE"
    assert sdk_event.get_data() == {"code": "PE"}
    assert sdk_event.get_extension("partitionkey") == "PE"
    assert "ce_partitionkey" not in dict(headers)


@pytest.mark.parametrize(
    ("headers", "value", "reason"),
    [
        ([], b"{}", "missing ce_id"),
        ([("ce_id", b"1"), ("ce_source", b"/x"), ("ce_specversion", b"1.0")], b"{}", "missing ce_type"),
        (
            [("ce_id", b"1"), ("ce_source", b"/x"), ("ce_specversion", b"1.0"), ("ce_type", b"t")],
            b"{nope",
            "not JSON",
        ),
        (
            [("ce_id", b"1"), ("ce_source", b"/x"), ("ce_specversion", b"1.0"), ("ce_type", b"t")],
            b"[1]",
            "JSON object",
        ),
        (
            [("ce_id", b"1"), ("ce_source", b"/x"), ("ce_specversion", b"0.3"), ("ce_type", b"t")],
            b"{}",
            "specversion",
        ),
        (
            [("ce_id", b"\xff"), ("ce_source", b"/x"), ("ce_specversion", b"1.0"), ("ce_type", b"t")],
            b"{}",
            "UTF-8",
        ),
        (
            [
                ("ce_id", b"1"),
                ("ce_source", b"/x"),
                ("ce_specversion", b"1.0"),
                ("ce_type", b"t"),
                ("content-type", b"text/xml"),
            ],
            b"{}",
            "content type",
        ),
    ],
)
def test_malformed_records_are_envelope_errors(
    headers: list[tuple[str, bytes]], value: bytes, reason: str
) -> None:
    with pytest.raises(EnvelopeError, match=reason):
        CloudEvent.from_kafka(headers, value)


def test_unknown_type_and_unknown_version_are_told_apart() -> None:
    stream, admitted = _stream()
    event = stream.new_event(admitted(code="PE"), aggregate_id="PE")
    assert stream.parse(event) == admitted(code="PE")
    with pytest.raises(UnknownEventType, match="version not supported"):
        stream.parse(event.model_copy(update={"type": "org.sirbi.members.memberstate.admitted.v2"}))
    with pytest.raises(UnknownEventType, match="unknown event type"):
        stream.parse(event.model_copy(update={"type": "org.sirbi.members.memberstate.exploded.v1"}))


def test_registration_rejects_duplicates_and_bad_names() -> None:
    stream, admitted = _stream()
    with pytest.raises(ValueError, match="registered twice"):
        stream.event("memberstate", "admitted")(type("Again", (EventPayload,), {"__annotations__": {}}))
    with pytest.raises(ValueError, match="invalid event name"):
        stream.event("Member State", "admitted")
    with pytest.raises(UnknownEventType):
        EventStream("other").new_event(admitted(code="PE"), aggregate_id="PE")
