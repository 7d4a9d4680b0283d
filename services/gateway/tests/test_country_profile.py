"""A country's profile composed over HTTP from the real members, agreements and roadmap services
(in-process, each with its own database, on real ports); a service that is down leaves only its
own part unavailable."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from services.gateway.tests.conftest import has_events, integration_client, problem, wait_for_feed
from sirbi_agreements.app import create_app as create_agreements
from sirbi_agreements.settings import Settings as AgreementsSettings
from sirbi_gateway.app import create_app as create_gateway
from sirbi_gateway.event_facts import SERVICE_TOPICS
from sirbi_gateway.settings import Settings as GatewaySettings
from sirbi_members.app import create_app as create_members
from sirbi_members.demo_data import seed_reference_data as seed_member_states
from sirbi_members.settings import Settings as MembersSettings
from sirbi_roadmap.app import create_app as create_roadmap
from sirbi_roadmap.settings import Settings as RoadmapSettings
from sirbi_shared.auth import TokenIssuer
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.contracts import TopicPublisher, library_event
from tests.support.infra import Infrastructure
from tests.support.platform import wait_for_active_members
from tests.support.services import ServiceUnderTest, http_server, started_service

_SERVICES: dict[str, tuple[str, Any, Any]] = {
    "members": ("sirbi_members:migrations", create_members, MembersSettings),
    "agreements": ("sirbi_agreements:migrations", create_agreements, AgreementsSettings),
    "roadmap": ("sirbi_roadmap:migrations", create_roadmap, RoadmapSettings),
}


def _nobody_listens() -> str:
    """An address where no service answers: a port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@dataclass
class Platform:
    gateway: ServiceUnderTest
    services: dict[str, ServiceUnderTest]


@asynccontextmanager
async def platform(infra: Infrastructure, *, down: str | None = None) -> AsyncIterator[Platform]:
    """The services (all but `down`) served on real ports, and the gateway pointed at them."""
    prefix = f"t{uuid.uuid4().hex[:8]}."  # one platform: everyone on the same topics
    issuer = TokenIssuer.for_tests()
    databases: list[str] = []
    # A service that is down declares nothing; the gateway still waits for every stream.
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + t, 3) for t in SERVICE_TOPICS])
    async with AsyncExitStack() as stack:
        services: dict[str, ServiceUnderTest] = {}
        urls: dict[str, Any] = {}
        for name, (migrations, create_app, settings_class) in _SERVICES.items():
            if name == down:
                urls[f"{name}_url"] = _nobody_listens()
                continue
            database = f"t_profile_{name}_{uuid.uuid4().hex[:6]}"
            infra.create_database(database)
            databases.append(database)
            service = await stack.enter_async_context(
                started_service(
                    infra,
                    database,
                    name=name,
                    migrations=migrations,
                    create_app=create_app,
                    settings_class=settings_class,
                    topic_prefix=prefix,
                    issuer=issuer,
                )
            )
            services[name] = service
            urls[f"{name}_url"] = await stack.enter_async_context(http_server(service.app))
        database = f"t_profile_gateway_{uuid.uuid4().hex[:6]}"
        infra.create_database(database)
        databases.append(database)
        gateway = await stack.enter_async_context(
            started_service(
                infra,
                database,
                name="gateway",
                migrations="sirbi_gateway:migrations",
                create_app=create_gateway,
                settings_class=GatewaySettings,
                topic_prefix=prefix,
                issuer=issuer,
                **urls,
            )
        )
        try:
            yield Platform(gateway, services)
        finally:
            await stack.aclose()
            for name in databases:
                infra.drop_database(name)


async def _members_with_a_library(
    infra: Infrastructure, members: ServiceUnderTest, gateway: ServiceUnderTest
) -> None:
    """The demo member states and networks, and one library of Perú in the gateway's replica."""
    await seed_member_states(members.database)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        library = library_event("registered", library_id=uuid.uuid4(), country="PE", library_type="national")
        await TopicPublisher(producer, members.topic("sirbi.directory.v1")).send(library)
    finally:
        await producer.stop()
    await wait_for_feed(gateway, has_events(library.id), "the library filed")


async def test_profile_with_every_service_up(infra: Infrastructure) -> None:
    async with platform(infra) as p:
        members, agreements, roadmap = (p.services[n] for n in ("members", "agreements", "roadmap"))
        await _members_with_a_library(infra, members, p.gateway)
        await wait_for_active_members(agreements, "PE", "CO")
        draft = {
            "code": "PROFILE-PE-CO-01",
            "title": "Convenio de préstamo interbibliotecario entre Perú y Colombia",
            "objectives": "Préstamo interbibliotecario entre ambas redes nacionales.",
            "type": "bilateral",
            "areas": ["interlibrary_loan"],
            "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
            "start_date": "2025-01-01",
            "end_date": "2030-12-31",
        }
        drafted = await agreements.client.post(
            "/agreements", json=draft, headers=agreements.representative("PE")
        )
        assert drafted.status_code == 201, drafted.text
        proposal = {
            "title": "Curso regional de catalogación en RDA",
            "description": "Formación virtual para catalogadores de las redes nacionales.",
            "lead_country": "CO",
            "participants": ["PE"],
            "start_date": "2026-03-01",
        }
        proposed = await roadmap.client.post("/actions", json=proposal, headers=roadmap.secretariat)
        assert proposed.status_code == 201, proposed.text

        response = await p.gateway.client.get(
            "/api/countries/pe/profile", headers=integration_client(p.gateway)
        )

        assert response.status_code == 200, response.text
        profile = response.json()
        assert profile["code"] == "PE"
        for part in ("member_state", "networks", "directory", "agreements", "actions"):
            assert profile[part]["available"] is True, profile[part]
        assert profile["member_state"]["data"]["code"] == "PE"
        assert profile["member_state"]["data"]["status"] == "active"
        assert profile["networks"]["data"]
        assert {n["country"] for n in profile["networks"]["data"]} == {"PE"}
        assert [a["id"] for a in profile["agreements"]["data"]] == [drafted.json()["id"]]
        assert [a["id"] for a in profile["actions"]["data"]] == [proposed.json()["id"]]
        assert profile["directory"]["data"] == {
            "total": 1,
            "by_status": {"open": 1},
            "by_type": {"national": 1},
        }

        problem(
            await p.gateway.client.get("/api/countries/XX/profile", headers=p.gateway.secretariat),
            404,
            "member_state_not_found",
        )


async def test_profile_with_a_service_down_marks_only_its_part(infra: Infrastructure) -> None:
    async with platform(infra, down="agreements") as p:
        await _members_with_a_library(infra, p.services["members"], p.gateway)

        response = await p.gateway.client.get(
            "/api/countries/PE/profile", headers=p.gateway.representative("PE")
        )

        assert response.status_code == 200, response.text
        profile = response.json()
        assert profile["agreements"]["available"] is False
        assert profile["agreements"]["service"] == "agreements"
        assert profile["agreements"]["reason"].startswith("unreachable")
        assert profile["agreements"]["data"] is None
        assert profile["member_state"]["available"] is True
        assert profile["member_state"]["data"]["code"] == "PE"
        assert profile["networks"]["available"] is True
        assert profile["actions"] == {
            "available": True,
            "service": "roadmap",
            "data": [],
            "more": False,
            "reason": None,
        }
        assert profile["directory"]["data"]["total"] == 1
