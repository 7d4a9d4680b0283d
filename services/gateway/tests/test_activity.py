"""Every service's events land in the feed once, with their countries; filters and pages; a
malformed event is dead-lettered and the feed goes on."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer

from services.gateway.tests.conftest import (
    GatewayUnderTest,
    Streams,
    feed,
    has_events,
    integration_client,
    problem,
    wait_for_feed,
)
from sirbi_gateway.intake import CONSUMER_NAME
from sirbi_shared.events import CloudEvent
from tests.support.contracts import (
    action_event,
    agreement_event,
    library_event,
    member_state_event,
    network_event,
)
from tests.support.infra import Infrastructure


async def test_events_of_every_service_land_in_the_feed_once_with_their_countries(
    gateway: GatewayUnderTest, streams: Streams
) -> None:
    admitted = member_state_event("PE", "admitted", "active", 1)
    network = network_event(str(uuid.uuid4()), "CO", "active", 1)
    library = library_event("registered", library_id=uuid.uuid4(), country="PE")
    signed = agreement_event(
        "signed",
        agreement_id=uuid.uuid4(),
        countries=["PE", "CO"],
        areas=["lending"],
        status="signed",
        version=3,
    )
    proposed = action_event("proposed", action_id=uuid.uuid4(), lead_country="CL", participants=["PE", "MX"])
    await streams.members.send(admitted)
    await streams.members.send(network)
    await streams.directory.send(library)
    await streams.agreements.send(signed)
    await streams.agreements.send(signed)  # delivered twice
    await streams.roadmap.send(proposed)

    everything = [admitted, network, library, signed, proposed]
    items = await wait_for_feed(gateway, has_events(*(e.id for e in everything)), "every event filed")

    assert len(items) == 5  # the second delivery filed nothing
    positions = [item["id"] for item in items]
    assert positions == sorted(positions, reverse=True)  # newest first
    by_event = {item["event_id"]: item for item in items}
    assert by_event[admitted.id]["countries"] == ["PE"]
    assert by_event[network.id]["countries"] == ["CO"]
    assert by_event[library.id]["countries"] == ["PE"]
    assert by_event[signed.id]["countries"] == ["CO", "PE"]
    assert by_event[proposed.id]["countries"] == ["CL", "MX", "PE"]
    filed = by_event[signed.id]
    assert filed["service"] == "agreements"
    assert filed["aggregate"] == "agreement"
    assert filed["verb"] == "signed"
    assert filed["type"] == "org.sirbi.agreements.agreement.signed.v1"
    assert filed["subject"] == signed.subject
    assert filed["title"] == "Agreement signed: Convenio de préstamo interbibliotecario"
    assert filed["data"] == signed.data
    assert by_event[admitted.id]["title"] == "Member state admitted: Perú"

    def ids(items: list[dict[str, object]]) -> set[object]:
        return {item["event_id"] for item in items}

    assert ids(await feed(gateway, country="pe")) == {admitted.id, library.id, signed.id, proposed.id}
    assert ids(await feed(gateway, service="members")) == {admitted.id, network.id, library.id}
    assert ids(await feed(gateway, type="signed")) == {signed.id}
    assert ids(await feed(gateway, type="org.sirbi.roadmap.action.proposed.v1")) == {proposed.id}
    assert ids(await feed(gateway, country="CO", service="agreements")) == {signed.id}
    assert await feed(gateway, since="2999-01-01T00:00:00Z") == []
    assert len(await feed(gateway, since="2000-01-01T00:00:00Z")) == 5

    # A page at a time, newest first, every event once.
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await gateway.client.get(
            "/api/activity", params=params, headers=integration_client(gateway)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == positions


async def test_the_feed_is_for_signed_in_callers_and_rejects_bad_input(gateway: GatewayUnderTest) -> None:
    problem(await gateway.client.get("/api/activity"), 401, "authentication_required")
    headers = gateway.secretariat
    problem(await gateway.client.get("/api/activity?cursor=nonsense", headers=headers), 400, "invalid_cursor")
    problem(await gateway.client.get("/api/activity?country=PER", headers=headers), 422, "validation_failed")
    problem(
        await gateway.client.get("/api/activity?since=2026-01-01T00:00:00", headers=headers),
        400,
        "invalid_since",
    )


async def _dead_letters(infra: Infrastructure, topic: str, count: int) -> list[dict[str, bytes]]:
    """The gateway's dead letters (other consumers of the topic file their own)."""
    reader = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest")
    await reader.start()
    try:
        letters: list[dict[str, bytes]] = []
        while len(letters) < count:
            record = await reader.getone()
            headers = dict(record.headers)
            if headers.get("sirbi_dlq_consumer") == CONSUMER_NAME.encode():
                letters.append(headers | {"value": record.value})
        return letters
    finally:
        await reader.stop()


async def test_malformed_events_are_dead_lettered_and_the_feed_goes_on(
    gateway: GatewayUnderTest, streams: Streams, infra: Infrastructure
) -> None:
    topic = gateway.topic("sirbi.members.v1")
    producer = streams.members.producer
    await producer.send_and_wait(topic, b"\x00not an event", key=b"PE")  # no CloudEvent headers
    bad_version = member_state_event("PE", "updated", "active", 1)
    bad_version.data["member_state"]["version"] = "one"
    await streams.members.send(bad_version)
    nameless = CloudEvent(source="/sirbi/members", type="members.changed", subject="PE", data={"code": "PE"})
    await streams.members.send(nameless)
    good = member_state_event("PE", "admitted", "active", 2)
    await streams.members.send(good)

    items = await wait_for_feed(gateway, has_events(good.id), "the good event filed")
    letters = await _dead_letters(infra, topic + ".dlq", 3)

    assert [item["event_id"] for item in items] == [good.id]
    assert sorted(letter["sirbi_dlq_error_type"] for letter in letters) == [
        b"EnvelopeError",
        b"PermanentEventError",
        b"PermanentEventError",
    ]
    errors = b" ".join(letter["sirbi_dlq_error"] for letter in letters)
    assert b"not a whole number" in errors
    assert b"not a platform event type" in errors
