"""Subscriptions belong to integration clients: each sees and changes only its own, the
secretariat all; every change needs the ETag read and lands in the history."""

from __future__ import annotations

import uuid

from services.gateway.tests.conftest import problem
from services.gateway.tests.webhook_receivers import (
    SUBSCRIPTIONS,
    GatewayUnderTest,
    client,
    if_match,
    ok,
    ok_list,
)


async def test_a_client_manages_its_subscription_and_nobody_else_can(gateway: GatewayUnderTest) -> None:
    owner = client(gateway)
    body = {
        "url": "http://127.0.0.1:9/hook",
        "event_types": ["org.sirbi.agreements.agreement.*"],
        "countries": ["pe"],
        "description": "Convenios del Perú",
    }
    created = ok(await gateway.client.post(SUBSCRIPTIONS, json=body, headers=owner), 201)
    assert created["secret"].startswith("whsec_")
    assert created["countries"] == ["PE"]
    assert created["active"] is True
    path = f"{SUBSCRIPTIONS}/{created['id']}"

    read = ok(await gateway.client.get(path, headers=owner))
    assert "secret" not in read  # shown once, at creation
    assert [s["id"] for s in ok_list(await gateway.client.get(SUBSCRIPTIONS, headers=owner))] == [
        created["id"]
    ]

    # Another client neither sees nor changes it; users without the role are refused.
    other = client(gateway)
    assert ok_list(await gateway.client.get(SUBSCRIPTIONS, headers=other)) == []
    problem(await gateway.client.get(path, headers=other), 404, "subscription_not_found")
    problem(
        await gateway.client.put(path, json=body, headers=if_match(other, read)),
        404,
        "subscription_not_found",
    )
    problem(await gateway.client.get(f"{path}/deliveries", headers=other), 404, "subscription_not_found")
    problem(
        await gateway.client.post(f"{path}/replay", json={"since": "2025-01-01T00:00:00Z"}, headers=other),
        404,
        "subscription_not_found",
    )
    problem(await gateway.client.get(SUBSCRIPTIONS), 401, "authentication_required")
    problem(await gateway.client.get(SUBSCRIPTIONS, headers=gateway.representative("PE")), 403, "forbidden")
    problem(
        await gateway.client.post(SUBSCRIPTIONS, json=body, headers=gateway.representative("PE")),
        403,
        "forbidden",
    )
    everyone = ok_list(await gateway.client.get(SUBSCRIPTIONS, headers=gateway.secretariat))
    assert created["id"] in [s["id"] for s in everyone]

    # Changes need the version read.
    change = {**body, "url": "https://example.org/hook", "event_types": ["*"], "active": True}
    problem(await gateway.client.put(path, json=change, headers=owner), 428, "if_match_required")
    updated = ok(await gateway.client.put(path, json=change, headers=if_match(owner, read)))
    assert updated["url"] == "https://example.org/hook"
    assert updated["version"] == 2
    problem(
        await gateway.client.put(path, json=change, headers=if_match(owner, read)), 412, "version_mismatch"
    )

    rotated = ok(await gateway.client.post(f"{path}/rotate-secret", headers=if_match(owner, updated)))
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    disabled = ok(await gateway.client.post(f"{path}/disable", headers=if_match(owner, rotated)))
    assert disabled["active"] is False
    assert disabled["disabled_reason"] == "disabled by its owner"
    problem(
        await gateway.client.post(f"{path}/disable", headers=if_match(owner, disabled)),
        409,
        "subscription_disabled",
    )
    # The secretariat manages every subscription.
    enabled = ok(await gateway.client.post(f"{path}/enable", headers=if_match(gateway.secretariat, disabled)))
    assert enabled["active"] is True
    assert enabled["disabled_reason"] is None

    history = ok_list(await gateway.client.get(f"{path}/history", headers=owner))
    assert [h["action"] for h in history] == ["created", "updated", "secret_rotated", "disabled", "enabled"]
    assert [h["version"] for h in history] == [1, 2, 3, 4, 5]
    assert all("secret" not in h["state"] for h in history)


async def test_bad_urls_and_patterns_are_refused_with_stable_codes(gateway: GatewayUnderTest) -> None:
    owner = client(gateway)
    for body in (
        {"url": "ftp://example.org/hook", "event_types": ["*"]},
        {"url": "not a url", "event_types": ["*"]},
        {"url": "https://example.org/hook", "event_types": []},
        {"url": "https://example.org/hook", "event_types": ["agreements.*"]},
        {"url": "https://example.org/hook", "event_types": ["org.sirbi.agreements.*.signed"]},
        {"url": "https://example.org/hook", "event_types": ["*"], "countries": ["PER"]},
    ):
        problem(await gateway.client.post(SUBSCRIPTIONS, json=body, headers=owner), 422, "validation_failed")
    problem(
        await gateway.client.get(f"{SUBSCRIPTIONS}/{uuid.uuid4()}", headers=owner),
        404,
        "subscription_not_found",
    )
    created = ok(
        await gateway.client.post(
            SUBSCRIPTIONS, json={"url": "https://example.org/hook", "event_types": ["*"]}, headers=owner
        ),
        201,
    )
    problem(
        await gateway.client.get(
            f"{SUBSCRIPTIONS}/{created['id']}/deliveries", params={"cursor": "nonsense"}, headers=owner
        ),
        400,
        "invalid_cursor",
    )
