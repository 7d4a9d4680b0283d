"""The members service under test: its own migrated database, its own topic prefix, real Kafka."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from sirbi_members.app import create_app
from sirbi_members.settings import Settings
from tests.support.infra import Infrastructure
from tests.support.services import ServiceUnderTest, started_service

MembersUnderTest = ServiceUnderTest


@pytest.fixture
async def members(infra: Infrastructure, database_name: str) -> AsyncIterator[MembersUnderTest]:
    async with started_service(
        infra,
        database_name,
        name="members",
        migrations="sirbi_members:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
    ) as service:
        yield service
