"""Webhook receivers for the gateway's tests: real HTTP servers in the test process that check
each delivery's signature with their own code, written from the documented algorithm; and the
publishers of the upstream events they should receive."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Request, Response

from sirbi_shared.auth import Role
from tests.support.contracts import TopicPublisher
from tests.support.services import ServiceUnderTest, http_server

GatewayUnderTest = ServiceUnderTest
SUBSCRIPTIONS = "/api/webhooks/subscriptions"


@dataclass
class Upstream:
    members: TopicPublisher
    agreements: TopicPublisher


@asynccontextmanager
async def upstream_of(gateway: GatewayUnderTest) -> AsyncIterator[Upstream]:
    producer = AIOKafkaProducer(bootstrap_servers=gateway.infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        yield Upstream(
            TopicPublisher(producer, gateway.topic("sirbi.members.v1")),
            TopicPublisher(producer, gateway.topic("sirbi.agreements.v1")),
        )
    finally:
        await producer.stop()


@pytest.fixture
async def upstream(gateway: GatewayUnderTest) -> AsyncIterator[Upstream]:
    async with upstream_of(gateway) as publishers:
        yield publishers


def client(gateway: GatewayUnderTest, client_id: uuid.UUID | None = None) -> dict[str, str]:
    """Credentials of an integration client (a new one unless `client_id` is given)."""
    return gateway.auth(Role.INTEGRATION, subject=f"client:{client_id or uuid.uuid4()}")


# -- receivers -------------------------------------------------------------------------------

TOLERANCE_SECONDS = 300


def signature_is_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """A receiver's check, from the documented algorithm only (docs/integrators.md):
    key = base64-decode(secret without `whsec_`);
    expected = base64(HMAC-SHA256(key, f"{webhook-id}.{webhook-timestamp}.{body}"));
    valid if one `v1,<sig>` in webhook-signature equals it and the timestamp is recent."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (message_id and timestamp and signatures and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # an old message sent again by someone else
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event


@dataclass
class Receiver:
    """An integrator's endpoint: answers `status` to correctly signed requests, 401 otherwise."""

    url: str
    secret: str | None = None
    status: int = 200
    requests: list[Received] = field(default_factory=list)

    def delivered_ids(self) -> list[str]:
        """Ids of the events it accepted, in the order it accepted them."""
        return [r.event["id"] for r in self.requests if 200 <= r.answered < 300]

    def tried_ids(self) -> list[str]:
        return [r.event["id"] for r in self.requests]


def _receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        valid = receiver.secret is not None and signature_is_valid(receiver.secret, headers, body)
        status = receiver.status if valid else 401
        receiver.requests.append(Received(headers, body, status))
        return Response(status_code=status)

    return app


@asynccontextmanager
async def receiver_running() -> AsyncIterator[Receiver]:
    receiver = Receiver(url="")
    async with http_server(_receiver_app(receiver)) as base:
        receiver.url = f"{base}/hook"
        yield receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with receiver_running() as running:
        yield running


# -- API helpers -----------------------------------------------------------------------------


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    if "version" in body:
        assert response.headers["etag"] == f'"{body["version"]}"'
    return body


def ok_list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items


async def subscribe(
    gateway: GatewayUnderTest,
    receiver: Receiver,
    headers: dict[str, str],
    event_types: list[str] | None = None,
    countries: list[str] | None = None,
) -> dict[str, Any]:
    """Subscribe the receiver and hand it the secret, as an integrator would."""
    body = {"url": receiver.url, "event_types": event_types or ["*"], "countries": countries or []}
    created = ok(await gateway.client.post(SUBSCRIPTIONS, json=body, headers=headers), 201)
    receiver.secret = created["secret"]
    return created


async def deliveries(
    gateway: GatewayUnderTest, subscription: dict[str, Any], headers: dict[str, str]
) -> list[dict[str, Any]]:
    page = ok(await gateway.client.get(f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries", headers=headers))
    items: list[dict[str, Any]] = page["items"]
    return items


def if_match(headers: dict[str, str], record: dict[str, Any]) -> dict[str, str]:
    return {**headers, "If-Match": f'"{record["version"]}"'}
