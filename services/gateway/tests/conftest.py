"""The gateway under test, in front of real services: each service runs in this process on a
real port (the gateway reaches it over HTTP), with real Kafka and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI

from sirbi_gateway.app import create_app
from sirbi_gateway.identity.service import TokenPolicy
from sirbi_gateway.settings import Settings
from sirbi_members.app import create_app as create_members
from sirbi_members.demo_data import seed as seed_members
from sirbi_members.settings import Settings as MembersSettings
from sirbi_shared.auth import TokenIssuer
from tests.support.infra import Infrastructure
from tests.support.services import ServiceUnderTest, free_port, http_server, started_service

GatewayUnderTest = ServiceUnderTest
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
        await seed_members(members.database)
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
                login_limit_per_account="5/minute",
                login_limit_per_address="1000/minute",
                api_limit_per_client="1000/minute",
            ) as gateway,
        ):
            yield Platform(gateway, members)
