"""The members service under test: its own migrated database, its own topic prefix, real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr

from sirbi_members.app import create_app
from sirbi_members.settings import Settings
from sirbi_shared.auth import Role, TokenIssuer
from sirbi_shared.db import Database
from sirbi_shared.migrations import upgrade_to_head
from tests.support.infra import Infrastructure


@dataclass
class MembersUnderTest:
    client: httpx.AsyncClient
    issuer: TokenIssuer
    database: Database
    topic_prefix: str
    infra: Infrastructure

    def auth(self, *roles: Role, country: str | None = None, subject: str = "tester") -> dict[str, str]:
        token = self.issuer.mint(subject, list(roles), country=country)
        return {"Authorization": f"Bearer {token}"}

    @property
    def secretariat(self) -> dict[str, str]:
        return self.auth(Role.SECRETARIAT, subject="ana.secretariat")

    def topic(self, logical: str) -> str:
        return self.topic_prefix + logical


@pytest.fixture
async def members(infra: Infrastructure, database_name: str) -> AsyncIterator[MembersUnderTest]:
    url = infra.postgres_url(database_name)
    # Alembic's env runs its own event loop: give it a thread without one.
    await asyncio.to_thread(upgrade_to_head, "sirbi_members:migrations", url)
    prefix = f"t{uuid.uuid4().hex[:8]}."
    settings = Settings(
        database_url=SecretStr(url), kafka_bootstrap_servers=infra.kafka_bootstrap, kafka_topic_prefix=prefix
    )
    app = create_app(settings)
    issuer = TokenIssuer.for_tests()
    app.state.token_verifier = issuer.verifier()
    database = Database(url)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://members") as client,
    ):
        yield MembersUnderTest(client, issuer, database, prefix, infra)
    await database.dispose()
