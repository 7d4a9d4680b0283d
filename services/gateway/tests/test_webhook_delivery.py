"""Deliveries, end to end on real Kafka, PostgreSQL and HTTP: events published upstream reach the
subscribed receivers signed, in order, once; a receiver that was down gets everything when it is
back; one failing forever ends with its subscription disabled and its backlog kept."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from sqlalchemy import text
from standardwebhooks import Webhook

from services.gateway.tests.conftest import problem, started_gateway
from services.gateway.tests.webhook_receivers import (
    SUBSCRIPTIONS,
    GatewayUnderTest,
    Receiver,
    Upstream,
    client,
    deliveries,
    if_match,
    ok,
    receiver_running,
    signature_is_valid,
    subscribe,
    upstream_of,
)
from sirbi_shared.events import CloudEvent
from tests.support.contracts import agreement_event, member_state_event
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until


def _agreement(agreement_id: uuid.UUID, verb: str, version: int, countries: list[str]) -> CloudEvent:
    return agreement_event(
        verb,
        agreement_id=agreement_id,
        countries=countries,
        areas=["training"],
        status="draft",
        version=version,
    )


async def _filed(gateway: GatewayUnderTest) -> int:
    """How many distinct events the gateway has kept so far."""
    async with gateway.database.transaction() as session:
        return int((await session.execute(text("SELECT count(*) FROM webhook_events"))).scalar_one())


async def _settled(gateway: GatewayUnderTest, subscription: dict[str, Any], headers: dict[str, str]) -> bool:
    return all(d["status"] != "pending" for d in await deliveries(gateway, subscription, headers))


async def test_a_delivery_is_signed_so_a_receiver_can_verify_it_and_a_tampered_one_fails(
    gateway: GatewayUnderTest, upstream: Upstream, receiver: Receiver
) -> None:
    owner = client(gateway)
    subscription = await subscribe(gateway, receiver, owner, ["org.sirbi.agreements.agreement.*"])
    event = _agreement(uuid.uuid4(), "drafted", 1, ["PE", "CO"])
    await upstream.agreements.send(event)

    async def delivered() -> bool:
        return receiver.delivered_ids() == [event.id]

    await wait_until(delivered, what="the signed delivery accepted")
    request = receiver.requests[0]
    assert request.headers["webhook-id"] == event.id
    assert request.headers["webhook-signature"].startswith("v1,")
    # A structured-mode CloudEvent, as the CloudEvents SDK reads it.
    parsed = from_http_event(HTTPMessage(headers=request.headers, body=request.body))
    assert (parsed.get_id(), parsed.get_source(), parsed.get_type()) == (event.id, event.source, event.type)
    assert parsed.get_subject() == event.subject
    assert parsed.get_data() == event.data
    # The library any integrator may use agrees with our receiver's own check.
    assert Webhook(subscription["secret"]).verify(request.body, request.headers) == request.event

    # The same headers over a changed body, or with another secret, are refused by the receiver.
    tampered = request.body.replace(b'"PE"', b'"CL"')
    assert tampered != request.body
    async with httpx.AsyncClient() as http:
        refused = await http.post(receiver.url, content=tampered, headers=request.headers)
        assert refused.status_code == 401
        receiver.secret = "whsec_" + "A" * 44
        refused = await http.post(receiver.url, content=request.body, headers=request.headers)
        assert refused.status_code == 401

    log = await deliveries(gateway, subscription, owner)
    assert [(d["event_id"], d["status"], d["attempts"], d["last_status_code"]) for d in log] == [
        (event.id, "delivered", 1, 200)
    ]


async def test_subscriptions_get_only_the_types_and_countries_they_asked_for(
    gateway: GatewayUnderTest, upstream: Upstream
) -> None:
    owner = client(gateway)
    peru_agreements = _agreement(uuid.uuid4(), "drafted", 1, ["PE", "CO"])
    chile_agreements = _agreement(uuid.uuid4(), "drafted", 1, ["CL", "MX"])
    admitted = member_state_event("PE", "admitted", "active", 1)
    suspended = member_state_event("CO", "suspended", "suspended", 2)
    async with receiver_running() as by_pattern, receiver_running() as by_type:
        pattern = await subscribe(gateway, by_pattern, owner, ["org.sirbi.agreements.agreement.*"], ["PE"])
        exact = await subscribe(gateway, by_type, owner, ["org.sirbi.members.memberstate.admitted.v1"])
        for event in (peru_agreements, chile_agreements):
            await upstream.agreements.send(event)
        for event in (admitted, suspended):
            await upstream.members.send(event)

        async def everything_filed_and_sent() -> bool:
            return (
                await _filed(gateway) == 4
                and await _settled(gateway, pattern, owner)
                and await _settled(gateway, exact, owner)
            )

        await wait_until(everything_filed_and_sent, what="four events filed and their deliveries settled")
        assert by_pattern.delivered_ids() == [peru_agreements.id]
        assert by_type.delivered_ids() == [admitted.id]


async def test_a_receiver_down_for_a_while_gets_every_event_in_order_once_it_is_back(
    gateway: GatewayUnderTest, upstream: Upstream, receiver: Receiver
) -> None:
    owner = client(gateway)
    receiver.status = 503
    subscription = await subscribe(gateway, receiver, owner)
    agreement_id = uuid.uuid4()  # one key: the events keep their order on one partition
    events = [
        _agreement(agreement_id, verb, n, ["PE", "BR"])
        for n, verb in enumerate(
            ["drafted", "updated", "submitted_for_signature", "signed", "entered_into_force"], start=1
        )
    ]
    for event in events:
        await upstream.agreements.send(event)

    async def retried_with_back_off() -> bool:
        log = await deliveries(gateway, subscription, owner)
        return len(log) == 5 and any(d["attempts"] >= 3 for d in log)

    await wait_until(retried_with_back_off, what="the first delivery retried while the receiver is down")
    # While the first one fails, the ones behind it wait: the receiver saw only the first event.
    assert set(receiver.tried_ids()) == {events[0].id}
    failing = next(d for d in await deliveries(gateway, subscription, owner) if d["attempts"] > 0)
    assert failing["status"] == "pending"
    assert failing["last_status_code"] == 503
    assert failing["last_error"].startswith("HTTP 503")
    assert failing["next_attempt_at"] is not None

    receiver.status = 200

    async def all_delivered() -> bool:
        # The receiver answers before the dispatcher records the answer: wait for both.
        return len(receiver.delivered_ids()) == 5 and await _settled(gateway, subscription, owner)

    await wait_until(all_delivered, what="every event delivered after the receiver came back")
    assert receiver.delivered_ids() == [e.id for e in events]
    assert await _settled(gateway, subscription, owner)
    log = await deliveries(gateway, subscription, owner)
    assert {d["status"] for d in log} == {"delivered"}


async def test_the_same_event_from_kafka_twice_is_delivered_once(
    gateway: GatewayUnderTest, upstream: Upstream, receiver: Receiver
) -> None:
    owner = client(gateway)
    subscription = await subscribe(gateway, receiver, owner)
    agreement_id = uuid.uuid4()
    first, sentinel = (
        _agreement(agreement_id, "drafted", 1, ["PE"]),
        _agreement(agreement_id, "updated", 2, ["PE"]),
    )
    for event in (first, first, sentinel):  # the sentinel comes after the duplicate on its partition
        await upstream.agreements.send(event)

    async def sentinel_delivered() -> bool:
        return sentinel.id in receiver.delivered_ids()

    await wait_until(sentinel_delivered, what="the event after the duplicate delivered")
    assert receiver.delivered_ids() == [first.id, sentinel.id]
    assert len(await deliveries(gateway, subscription, owner)) == 2


async def test_redelivery_by_hand_and_replay_since_a_time(
    gateway: GatewayUnderTest, upstream: Upstream, receiver: Receiver
) -> None:
    owner = client(gateway)
    subscription = await subscribe(gateway, receiver, owner)
    before = datetime.now(UTC)
    agreement_id = uuid.uuid4()
    events = [_agreement(agreement_id, "drafted", 1, ["PE"]), _agreement(agreement_id, "updated", 2, ["PE"])]
    for event in events:
        await upstream.agreements.send(event)

    async def both_delivered() -> bool:
        return receiver.delivered_ids() == [e.id for e in events]

    await wait_until(both_delivered, what="both events delivered")
    path = f"{SUBSCRIPTIONS}/{subscription['id']}"

    # Redeliver the first by hand: a new delivery of the same message (same webhook-id).
    first = next(d for d in await deliveries(gateway, subscription, owner) if d["event_id"] == events[0].id)
    again = ok(await gateway.client.post(f"{path}/deliveries/{first['id']}/redeliver", headers=owner), 202)
    assert (again["cause"], again["status"], again["event_id"]) == ("redelivery", "pending", events[0].id)
    problem(
        await gateway.client.post(f"{path}/deliveries/999999/redeliver", headers=owner),
        404,
        "delivery_not_found",
    )

    async def redelivered() -> bool:
        return receiver.delivered_ids() == [events[0].id, events[1].id, events[0].id]

    await wait_until(redelivered, what="the first event delivered again")
    assert receiver.requests[-1].headers["webhook-id"] == events[0].id

    # A subscriber that came later asks for everything since before the events.
    async with receiver_running() as latecomer:
        late = await subscribe(gateway, latecomer, owner, ["org.sirbi.agreements.agreement.*"])
        late_path = f"{SUBSCRIPTIONS}/{late['id']}"
        future = {"since": "2999-01-01T00:00:00Z"}
        assert ok(await gateway.client.post(f"{late_path}/replay", json=future, headers=owner), 202) == {
            "queued": 0
        }
        problem(
            await gateway.client.post(
                f"{late_path}/replay", json={"since": "2025-01-01T00:00:00"}, headers=owner
            ),
            422,
            "validation_failed",  # a time without its zone is ambiguous
        )
        replay = {"since": before.isoformat()}
        assert ok(await gateway.client.post(f"{late_path}/replay", json=replay, headers=owner), 202) == {
            "queued": 2
        }

        async def replayed() -> bool:
            # The receiver answers before the dispatcher records the answer: wait for both.
            return latecomer.delivered_ids() == [e.id for e in events] and await _settled(
                gateway, late, owner
            )

        await wait_until(replayed, what="the replayed events delivered in order")
        log = await deliveries(gateway, late, owner)
        assert {(d["cause"], d["status"]) for d in log} == {("replay", "delivered")}


async def test_a_receiver_failing_forever_ends_disabled_with_its_backlog_kept_then_flows_again(
    infra: Infrastructure, database_name: str
) -> None:
    async with (
        started_gateway(
            infra,
            database_name,
            webhook_disable_after_failures=4,
            webhook_disable_after_seconds=0.2,
            webhook_give_up_after_seconds=3600,
        ) as gateway,
        upstream_of(gateway) as upstream,
        receiver_running() as receiver,
    ):
        owner = client(gateway)
        receiver.status = 500
        subscription = await subscribe(gateway, receiver, owner)
        path = f"{SUBSCRIPTIONS}/{subscription['id']}"
        agreement_id = uuid.uuid4()
        events = [_agreement(agreement_id, "drafted", n, ["CL"]) for n in range(1, 4)]
        for event in events:
            await upstream.agreements.send(event)

        async def disabled() -> bool:
            current = ok(await gateway.client.get(path, headers=owner))
            return current["active"] is False

        await wait_until(disabled, what="the subscription disabled after failing")
        current = ok(await gateway.client.get(path, headers=owner))
        assert current["disabled_reason"].startswith("endpoint failed")
        history = (await gateway.client.get(f"{path}/history", headers=owner)).json()
        assert (history[-1]["action"], history[-1]["actor"]) == ("disabled", "system")

        # Events keep coming while it is disabled: they join the kept backlog, nothing is sent.
        tried = len(receiver.requests)
        late = _agreement(agreement_id, "updated", 4, ["CL"])
        await upstream.agreements.send(late)

        async def backlog_of_four() -> bool:
            return len(await deliveries(gateway, subscription, owner)) == 4

        await wait_until(backlog_of_four, what="the late event queued behind the backlog")
        log = await deliveries(gateway, subscription, owner)
        assert {d["status"] for d in log} == {"pending"}
        assert len(receiver.requests) == tried
        assert set(receiver.tried_ids()) == {events[0].id}

        # The owner fixes the endpoint and enables the subscription: the backlog flows, in order.
        receiver.status = 204
        ok(await gateway.client.post(f"{path}/enable", headers=if_match(owner, current)))

        async def backlog_delivered() -> bool:
            return len(receiver.delivered_ids()) == 4

        await wait_until(backlog_delivered, what="the kept backlog delivered after enabling")
        assert receiver.delivered_ids() == [*(e.id for e in events), late.id]


async def test_with_private_targets_refused_no_request_reaches_a_private_address(
    infra: Infrastructure, database_name: str
) -> None:
    """As in production: URLs naming private addresses are refused when written, and a name that
    resolves to one is refused at delivery (the receiver, on loopback, never hears of it)."""
    machine = socket.gethostname()
    resolved = {info[4][0] for info in socket.getaddrinfo(machine, 80, type=socket.SOCK_STREAM)}
    needs = f"this test needs the machine's name to resolve to a private address; {machine} -> {resolved}"
    assert resolved, needs
    assert not any(ipaddress.ip_address(a).is_global for a in resolved), needs
    async with (
        started_gateway(infra, database_name, webhook_private_targets=False) as gateway,
        upstream_of(gateway) as upstream,
        receiver_running() as receiver,
    ):
        owner = client(gateway)
        for url in (
            receiver.url,  # 127.0.0.1
            "http://localhost:8080/hook",
            "http://10.1.2.3/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/hook",
        ):
            body = {"url": url, "event_types": ["*"]}
            problem(
                await gateway.client.post(SUBSCRIPTIONS, json=body, headers=owner),
                422,
                "webhook_url_not_public",
            )

        by_name = receiver.url.replace("127.0.0.1", machine)
        subscription = ok(
            await gateway.client.post(
                SUBSCRIPTIONS, json={"url": by_name, "event_types": ["*"]}, headers=owner
            ),
            201,
        )
        await upstream.agreements.send(_agreement(uuid.uuid4(), "drafted", 1, ["PE"]))

        async def refused() -> bool:
            log = await deliveries(gateway, subscription, owner)
            return bool(log) and (log[0]["last_error"] or "").startswith("refused: the host resolves")

        await wait_until(refused, what="the delivery refused for a private address")
        assert receiver.requests == []


async def _rotate(gateway: GatewayUnderTest, subscription: dict[str, Any], owner: dict[str, str]) -> str:
    path = f"{SUBSCRIPTIONS}/{subscription['id']}/rotate-secret"
    rotated = ok(await gateway.client.post(path, headers=if_match(owner, subscription)))
    secret: str = rotated["secret"]
    return secret


async def test_after_a_rotation_the_old_secret_still_verifies_for_the_grace_period(
    gateway: GatewayUnderTest, upstream: Upstream, receiver: Receiver
) -> None:
    owner = client(gateway)
    subscription = await subscribe(gateway, receiver, owner)
    old = receiver.secret
    new = await _rotate(gateway, subscription, owner)
    assert old is not None
    assert new != old

    # The receiver has not switched yet: the delivery still verifies, with the old secret.
    first = _agreement(uuid.uuid4(), "drafted", 1, ["PE"])
    await upstream.agreements.send(first)
    await wait_until(lambda: _delivered(receiver, first.id), what="a delivery verified with the old secret")
    # ... and it verifies with the new one too: two signatures, one per secret.
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert signature_is_valid(new, request.headers, request.body)

    receiver.secret = new  # the receiver switches whenever it likes within the grace period
    second = _agreement(uuid.uuid4(), "drafted", 1, ["PE"])
    await upstream.agreements.send(second)
    await wait_until(lambda: _delivered(receiver, second.id), what="a delivery verified with the new secret")


async def test_without_a_grace_period_only_the_new_secret_signs(
    infra: Infrastructure, database_name: str
) -> None:
    async with (
        started_gateway(infra, database_name, webhook_secret_grace_seconds=0) as gateway,
        upstream_of(gateway) as upstream,
        receiver_running() as receiver,
    ):
        owner = client(gateway)
        subscription = await subscribe(gateway, receiver, owner)
        new = await _rotate(gateway, subscription, owner)
        await upstream.agreements.send(_agreement(uuid.uuid4(), "drafted", 1, ["PE"]))

        async def tried() -> bool:
            return bool(receiver.requests)

        await wait_until(tried, what="a delivery attempt")
        request = receiver.requests[0]
        assert request.answered == 401  # the receiver still holds the old secret
        assert request.headers["webhook-signature"].count("v1,") == 1
        assert signature_is_valid(new, request.headers, request.body)


async def _delivered(receiver: Receiver, event_id: str) -> bool:
    return event_id in receiver.delivered_ids()
