"""The AsyncAPI 3 document comes from the registered models, and docs/ keeps the current one."""

from __future__ import annotations

import json
from pathlib import Path

from sirbi_shared.events import EventPayload, EventStream
from sirbi_shared.events.asyncapi import build_document, main

REPO = Path(__file__).resolve().parents[2]


def _platform_streams() -> list[str]:
    """The streams `make docs` documents: the Makefile's STREAMS line is the one list."""
    for line in (REPO / "Makefile").read_text().splitlines():
        if line.startswith("STREAMS"):
            return line.split(":=", 1)[1].split()
    raise AssertionError("no STREAMS line in the Makefile")


def test_document_describes_channels_messages_and_payload_schemas() -> None:
    stream = EventStream("members")

    @stream.event("memberstate", "suspended")
    class Suspended(EventPayload):
        """A member state was suspended."""

        code: str
        reason: str

    document = build_document([stream])
    assert document["asyncapi"] == "3.0.0"
    channel = document["channels"]["SirbiMembersV1"]
    assert channel["address"] == "sirbi.members.v1"
    assert document["channels"]["SirbiMembersV1Dlq"]["address"] == "sirbi.members.v1.dlq"
    message = document["components"]["messages"]["MembersMemberstateSuspendedV1"]
    assert message["name"] == "org.sirbi.members.memberstate.suspended.v1"
    assert message["summary"] == "A member state was suspended."
    schema = document["components"]["schemas"]["Suspended"]
    assert schema["required"] == ["code", "reason"]
    assert message["payload"] == {"$ref": "#/components/schemas/Suspended"}
    operation = document["operations"]["publishMembersEvents"]
    assert operation["action"] == "send"
    assert operation["messages"] == [
        {"$ref": "#/channels/SirbiMembersV1/messages/MembersMemberstateSuspendedV1"}
    ]


def test_the_published_catalogue_is_current(tmp_path: Path) -> None:
    generated = tmp_path / "asyncapi.json"
    assert main([str(generated), *_platform_streams()]) == 0
    published = REPO / "docs" / "events" / "asyncapi.json"
    assert json.loads(published.read_text()) == json.loads(generated.read_text()), "run `make docs`"
