"""The dashboard counts each record's latest state, whatever the delivery order."""

from __future__ import annotations

import uuid

from services.gateway.tests.conftest import GatewayUnderTest, Streams, has_events, wait_for_feed
from tests.support.contracts import action_event, agreement_event, library_event, member_state_event


async def test_figures_follow_each_records_newest_version(
    gateway: GatewayUnderTest, streams: Streams
) -> None:
    agreement = uuid.uuid4()
    events = [
        (streams.members, member_state_event("PE", "admitted", "active", 1)),
        (streams.members, member_state_event("PE", "suspended", "suspended", 3, reason="cuotas")),
        # An older state arriving late must not bring Perú back to active.
        (streams.members, member_state_event("PE", "updated", "active", 2)),
        (streams.members, member_state_event("CO", "admitted", "active", 1)),
        (
            streams.agreements,
            agreement_event(
                "drafted", agreement_id=agreement, countries=["PE", "CO"], areas=[], status="draft", version=1
            ),
        ),
        (
            streams.agreements,
            agreement_event(
                "signed", agreement_id=agreement, countries=["PE", "CO"], areas=[], status="signed", version=4
            ),
        ),
        (
            streams.roadmap,
            action_event("proposed", action_id=uuid.uuid4(), lead_country="CO", participants=[]),
        ),
        (streams.directory, library_event("registered", library_id=uuid.uuid4(), country="PE")),
        (
            streams.directory,
            library_event("registered", library_id=uuid.uuid4(), country="PE", library_type="school"),
        ),
        (
            streams.directory,
            library_event("closed", library_id=uuid.uuid4(), country="CO", status="closed", version=2),
        ),
    ]
    for publisher, event in events:
        await publisher.send(event)
    await publisher.send(events[-1][1])  # a redelivery counts nothing twice
    items = await wait_for_feed(gateway, has_events(*(e.id for _, e in events)), "every event filed")

    response = await gateway.client.get("/api/dashboard", headers=gateway.representative("CO"))

    assert response.status_code == 200, response.text
    figures = response.json()
    assert figures["member_states"] == {"total": 2, "by_status": {"active": 1, "suspended": 1}}
    assert figures["agreements"] == {"total": 1, "by_status": {"signed": 1}}
    assert figures["actions"] == {"total": 1, "by_status": {"proposed": 1}}
    assert figures["networks"] == {"total": 0, "by_status": {}}
    assert figures["libraries"] == {
        "total": 3,
        "by_status": {"closed": 1, "open": 2},
        "by_type": {"public": 1, "school": 1},
        "by_country": {"PE": 2},
    }
    assert figures["as_of"] == max(item["id"] for item in items)
