"""The roadmap service under test, and the topics it reacts to.

`upstream` publishes agreement and membership events as the agreements and members services do
(their documented contracts) to the real broker; the end-to-end test in tests/ runs those
services instead.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from sirbi_roadmap.app import create_app
from sirbi_roadmap.settings import Settings
from sirbi_shared.auth import Role
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.contracts import TopicPublisher
from tests.support.infra import Infrastructure
from tests.support.services import ServiceUnderTest, started_service

RoadmapUnderTest = ServiceUnderTest
UPSTREAM = ("sirbi.agreements.v1", "sirbi.members.v1")


@dataclass
class Upstream:
    agreements: TopicPublisher
    members: TopicPublisher


@pytest.fixture
async def roadmap(infra: Infrastructure, database_name: str) -> AsyncIterator[RoadmapUnderTest]:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    # The agreements and members services declare these; here nobody else does.
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + t, 3) for t in UPSTREAM])
    async with started_service(
        infra,
        database_name,
        name="roadmap",
        migrations="sirbi_roadmap:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=prefix,
        overdue_interval_seconds=3600,  # tests drive the calendar themselves with tick(day)
    ) as service:
        yield service


@pytest.fixture
async def upstream(roadmap: RoadmapUnderTest, infra: Infrastructure) -> AsyncIterator[Upstream]:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        yield Upstream(
            TopicPublisher(producer, roadmap.topic(UPSTREAM[0])),
            TopicPublisher(producer, roadmap.topic(UPSTREAM[1])),
        )
    finally:
        await producer.stop()


def coordinator(roadmap: RoadmapUnderTest, group: dict[str, Any]) -> dict[str, str]:
    token = roadmap.issuer.mint("coord", [Role.WG_COORDINATOR], working_groups=[group["id"]])
    return {"Authorization": f"Bearer {token}"}


def member(roadmap: RoadmapUnderTest, group: dict[str, Any], subject: str = "miembro") -> dict[str, str]:
    token = roadmap.issuer.mint(subject, [Role.WG_MEMBER], working_groups=[group["id"]])
    return {"Authorization": f"Bearer {token}"}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{body["version"]}"'
    return body


async def form_group(
    roadmap: RoadmapUnderTest,
    name: str = "Formación y profesionalización",
    areas: tuple[str, ...] = ("training",),
) -> dict[str, Any]:
    body = {"name": name, "areas": list(areas), "coordinator": {"name": "Coordinación", "country": "CO"}}
    return ok(await roadmap.client.post("/working-groups", json=body, headers=roadmap.secretariat), 201)


async def post(
    roadmap: RoadmapUnderTest,
    path: str,
    record: dict[str, Any],
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await roadmap.client.post(
        path, json=body, headers={**(headers or roadmap.secretariat), "If-Match": f'"{record["version"]}"'}
    )
