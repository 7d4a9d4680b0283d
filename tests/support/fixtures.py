"""Pytest fixtures: one infrastructure per session, a fresh database and event stream per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text

from sirbi_shared.db import Database
from sirbi_shared.events.topics import ensure_topics
from sirbi_shared.outbox.tables import install_messaging_schema
from tests.support.infra import Infrastructure, start_infrastructure
from tests.support.probe import ProbeStream, new_probe_stream
from tests.support.whole_platform import RunningPlatform, running_platform


@pytest.fixture(scope="session")
def infra() -> Iterator[Infrastructure]:
    infrastructure = start_infrastructure()
    try:
        yield infrastructure
    finally:
        infrastructure.close()


@pytest.fixture(scope="session")
def whole_platform(
    infra: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningPlatform]:
    """Every service in its own process, seeded, as `make up` runs them: one for the session,
    shared by the tests that drive the platform from outside. Each of them makes the people and
    records it uses, with fresh names, so they do not depend on each other."""
    with running_platform(infra, tmp_path_factory.mktemp("platform")) as platform:
        yield platform


@pytest.fixture
def database_name(infra: Infrastructure) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    infra.create_database(name)
    yield name
    infra.drop_database(name)


@pytest.fixture
async def database(infra: Infrastructure, database_name: str) -> AsyncIterator[Database]:
    """A new database with the outbox/inbox schema and an `effects` table for consumer tests.

    `effects` has no unique constraint on purpose: only the inbox may prevent a second effect.
    """
    db = Database(infra.postgres_url(database_name))
    async with db.engine.begin() as connection:
        await connection.run_sync(install_messaging_schema)
        await connection.execute(
            text("CREATE TABLE effects (id bigserial PRIMARY KEY, event_id text NOT NULL, seq int NOT NULL)")
        )
    yield db
    await db.dispose()


@pytest.fixture
async def probe(infra: Infrastructure) -> ProbeStream:
    """A stream of its own (unique topic) with a `Recorded(seq)` event; its topics exist."""
    stream = new_probe_stream()
    await ensure_topics(infra.kafka_bootstrap, stream.stream.topics())
    return stream
