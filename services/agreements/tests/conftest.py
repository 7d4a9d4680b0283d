"""The agreements service under test, and the members topic it learns membership from.

`MembersTopic` publishes membership events the way the members service does (its documented
contract: CloudEvents on `sirbi.members.v1`, keyed by aggregate id) to the real broker, so the
agreements service's consumer is exercised without the members service running. The end-to-end
test in tests/ runs both services instead.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from sirbi_agreements.app import create_app
from sirbi_agreements.member_facts.models import KnownMemberState, KnownNetwork
from sirbi_agreements.settings import Settings
from sirbi_shared.events import CloudEvent
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.contracts import TopicPublisher, member_state_event, network_event
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.services import ServiceUnderTest, started_service

AgreementsUnderTest = ServiceUnderTest
MEMBERS_TOPIC = "sirbi.members.v1"


class MembersTopic:
    """Membership events, published as the members service publishes them."""

    def __init__(self, publisher: TopicPublisher, service: AgreementsUnderTest) -> None:
        self.publisher = publisher
        self.service = service
        self.versions: dict[str, int] = {}

    async def send(self, event: CloudEvent) -> None:
        await self.publisher.send(event)

    def member_state_event(self, code: str, verb: str, status: str, reason: str | None = None) -> CloudEvent:
        self.versions[code] = self.versions.get(code, 0) + 1
        return member_state_event(code, verb, status, self.versions[code], reason)

    async def member_state(self, code: str, verb: str, status: str, reason: str | None = None) -> CloudEvent:
        """Publish and wait until the agreements service's replica holds it."""
        event = self.member_state_event(code, verb, status, reason)
        await self.send(event)
        await self.wait_for(code, event.data["member_state"]["version"])
        return event

    async def wait_for(self, code: str, version: int) -> None:
        async def arrived() -> bool:
            async with self.service.database.transaction() as session:
                known = await session.scalar(
                    select(KnownMemberState.version).where(KnownMemberState.code == code)
                )
            return known is not None and known >= version

        await wait_until(arrived, timeout=60, what=f"replica of {code} at version {version}")

    async def active(self, *codes: str) -> None:
        for code in codes:
            await self.member_state(code, "admitted", "active")

    async def network(self, country: str, status: str = "constituted", version: int = 1) -> str:
        """Publish a network and wait until the replica holds it. Its events are keyed by the
        network's id, so waiting for a member state's (another partition) proves nothing."""
        network_id = str(uuid.uuid4())
        await self.send(network_event(network_id, country, status, version))

        async def arrived() -> bool:
            async with self.service.database.transaction() as session:
                known = await session.scalar(
                    select(KnownNetwork.version).where(KnownNetwork.id == uuid.UUID(network_id))
                )
            return known is not None and known >= version

        await wait_until(arrived, timeout=60, what=f"replica of network {network_id}")
        return network_id


@pytest.fixture
async def agreements(infra: Infrastructure, database_name: str) -> AsyncIterator[AgreementsUnderTest]:
    prefix = f"t{uuid.uuid4().hex[:8]}."
    # The members service declares its topic; here nobody else does.
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + MEMBERS_TOPIC, 3)])
    async with started_service(
        infra,
        database_name,
        name="agreements",
        migrations="sirbi_agreements:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=prefix,
        scheduler_interval_seconds=3600,  # tests drive the calendar themselves with tick(day)
    ) as service:
        yield service


@pytest.fixture
async def members_topic(
    agreements: AgreementsUnderTest, infra: Infrastructure
) -> AsyncIterator[MembersTopic]:
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        yield MembersTopic(TopicPublisher(producer, agreements.topic(MEMBERS_TOPIC)), agreements)
    finally:
        await producer.stop()


def agreement_body(code: str, *parties: str, **overrides: Any) -> dict[str, Any]:
    """A valid draft between member states; a ref of 36 characters is a partner or network id."""
    body: dict[str, Any] = {
        "code": code,
        "title": f"Convenio de cooperación {code}",
        "objectives": "Préstamo interbibliotecario y catálogo colectivo.",
        "type": "bilateral" if len(parties) == 2 else "multilateral",
        "areas": ["interlibrary_loan", "union_catalogue"],
        "parties": [
            {"kind": "member_state", "ref": p} if len(p) == 2 else {"kind": "partner", "ref": p}
            for p in parties
        ],
        "start_date": "2025-01-01",
        "end_date": "2030-12-31",
    }
    body.update(overrides)
    return body


def iso(day: date) -> str:
    return day.isoformat()
