"""The gateway under test, with real Kafka and PostgreSQL.

- `gateway` and `streams`: the gateway alone; `streams` publishes events as the members,
  agreements and roadmap services do (their documented contracts) under its topic prefix.
- `platform`: the gateway in front of the real members service, which runs in this process on a
  real port (the gateway reaches it over HTTP); agreements and roadmap are down.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from sirbi_gateway.app import create_app
from sirbi_gateway.event_facts import SERVICE_TOPICS
from sirbi_gateway.identity.service import TokenPolicy
from sirbi_gateway.settings import Settings
from sirbi_members.app import create_app as create_members
from sirbi_members.demo_data import seed_reference_data as seed_member_states
from sirbi_members.settings import Settings as MembersSettings
from sirbi_shared.auth import Role, TokenIssuer
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.contracts import TopicPublisher
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.services import ServiceUnderTest, free_port, http_server, started_service

GatewayUnderTest = ServiceUnderTest


@dataclass
class Streams:
    members: TopicPublisher
    directory: TopicPublisher
    agreements: TopicPublisher
    roadmap: TopicPublisher


def integration_client(gateway: GatewayUnderTest) -> dict[str, str]:
    """How an integration client is seen once its API key is exchanged: a Principal like a user's."""
    return gateway.auth(Role.INTEGRATION, subject="client:observatorio")


# Sub-second retries so a test sees several attempts; the real schedule is in Settings.
QUICK_DELIVERY: dict[str, Any] = {
    "webhook_retry_initial_seconds": 0.05,
    "webhook_retry_max_seconds": 0.3,
    "webhook_poll_seconds": 0.05,
    "webhook_timeout_seconds": 5.0,
}


@asynccontextmanager
async def started_gateway(
    infra: Infrastructure, database_name: str, **settings: Any
) -> AsyncIterator[GatewayUnderTest]:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    # The services declare these topics; here nobody else does.
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + t, 3) for t in SERVICE_TOPICS])
    async with started_service(
        infra,
        database_name,
        name="gateway",
        migrations="sirbi_gateway:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=prefix,
        **{**QUICK_DELIVERY, **settings},
    ) as service:
        yield service


@pytest.fixture
def gateway_settings() -> dict[str, Any]:
    """Extra settings for the gateway; tests override it (e.g. the services' addresses)."""
    return {}


@pytest.fixture
async def gateway(
    infra: Infrastructure, database_name: str, gateway_settings: dict[str, Any]
) -> AsyncIterator[GatewayUnderTest]:
    async with started_gateway(infra, database_name, **gateway_settings) as service:
        yield service


@pytest.fixture
async def streams(gateway: GatewayUnderTest, infra: Infrastructure) -> AsyncIterator[Streams]:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        yield Streams(
            *(
                TopicPublisher(producer, gateway.topic(t))
                for t in ("sirbi.members.v1", "sirbi.directory.v1", "sirbi.agreements.v1", "sirbi.roadmap.v1")
            )
        )
    finally:
        await producer.stop()


async def feed(gateway: GatewayUnderTest, **filters: Any) -> list[dict[str, Any]]:
    """The whole feed (every page), newest first."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {**filters, "limit": 200}
    while True:
        response = await gateway.client.get("/api/activity", params=params, headers=gateway.secretariat)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


async def wait_for_feed(
    gateway: GatewayUnderTest, holds: Callable[[list[dict[str, Any]]], bool], what: str
) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    async def check() -> bool:
        seen[:] = await feed(gateway)
        return holds(seen)

    await wait_until(check, what=what)
    return seen


def has_events(*event_ids: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda items: set(event_ids) <= {item["event_id"] for item in items}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


SECRETARIAT_EMAIL = "secretaria@sirbi.example"
SECRETARIAT_PASSWORD = "una frase de prueba bastante larga"


def signs_with_the_test_issuer(app: FastAPI, issuer: TokenIssuer) -> None:
    app.state.token_policy = TokenPolicy(issuer, timedelta(days=14))


def _nobody_listens() -> str:
    # A port of this machine that was free a moment ago: the service "is down".
    return f"http://127.0.0.1:{free_port()}"


@dataclass
class Platform:
    gateway: GatewayUnderTest
    members: ServiceUnderTest


@pytest.fixture
async def platform(infra: Infrastructure, database_name: str) -> AsyncIterator[Platform]:
    """The members service, served over HTTP, behind the gateway; agreements and roadmap down."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    issuer = TokenIssuer.for_tests()
    members_db = f"{database_name}_members"
    infra.create_database(members_db)
    async with started_service(
        infra,
        members_db,
        name="members",
        migrations="sirbi_members:migrations",
        create_app=create_members,
        settings_class=MembersSettings,
        topic_prefix=prefix,
        issuer=issuer,
    ) as members:
        await seed_member_states(members.database)
        async with (
            http_server(members.app) as members_url,
            started_service(
                infra,
                database_name,
                name="gateway",
                migrations="sirbi_gateway:migrations",
                create_app=create_app,
                settings_class=Settings,
                topic_prefix=prefix,
                issuer=issuer,
                prepare=signs_with_the_test_issuer,
                members_url=members_url,
                agreements_url=_nobody_listens(),
                roadmap_url=_nobody_listens(),
                first_secretariat_email=SECRETARIAT_EMAIL,
                first_secretariat_password=SECRETARIAT_PASSWORD,
                login_limit_per_account="6/minute",
                login_limit_per_address="1000/minute",
                api_limit_per_client="1000/minute",
            ) as gateway,
        ):
            yield Platform(gateway, members)


# The webhook tests' fixtures, defined beside their receivers.
from services.gateway.tests.webhook_receivers import receiver, upstream  # noqa: E402, F401
