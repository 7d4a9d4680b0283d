"""Another system rebuilds a replica of member states and libraries from the members service's
topics alone, with an inbox consumer, and it equals the service's own tables."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.members.tests.conftest import MembersUnderTest
from services.members.tests.test_imports import GOOD, _csv, _import
from sirbi_members.demo_data import seed
from sirbi_members.libraries.models import Library
from sirbi_members.libraries.schemas import LibraryPublic
from sirbi_members.library_directory_data import DEMO_LIBRARIES
from sirbi_members.member_states.models import MemberState
from sirbi_members.member_states.schemas import MemberStatePublic
from sirbi_members.streams import directory_stream, members_stream
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox.tables import install_messaging_schema

REPLICA_TABLES = [
    "CREATE TABLE replica_member_states (code text PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL)",
    "CREATE TABLE replica_libraries (id uuid PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL)",
]


async def _keep_newest(
    session: AsyncSession, table: str, key: str, key_value: str, state: dict[str, Any]
) -> None:
    # Versions guard against an older event arriving after a newer one for the same record.
    await session.execute(
        text(
            f"INSERT INTO {table} ({key}, version, state) VALUES (:key, :version, CAST(:state AS jsonb)) "
            f"ON CONFLICT ({key}) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state "
            f"WHERE {table}.version < EXCLUDED.version"
        ),
        {"key": key_value, "version": state["version"], "state": json.dumps(state)},
    )


async def apply_member_state(event: CloudEvent, session: AsyncSession) -> None:
    state = event.data["member_state"]
    await _keep_newest(session, "replica_member_states", "code", state["code"], state)


async def apply_library(event: CloudEvent, session: AsyncSession) -> None:
    state = event.data["library"]
    await _keep_newest(session, "replica_libraries", "id", state["id"], state)


async def test_a_replica_built_from_the_topics_equals_the_service_tables(
    members: MembersUnderTest, database_name: str
) -> None:
    await seed(members.database)
    etag = (await members.client.get("/member-states/CL")).headers["etag"]
    suspended = await members.client.post(
        "/member-states/CL/suspend",
        json={"reason": "Dues unpaid"},
        headers={**members.secretariat, "If-Match": etag},
    )
    assert suspended.status_code == 200
    await _import(members, _csv(*GOOD))
    await _import(members, _csv(GOOD[0], GOOD[1], GOOD[2].replace("planned", "open")))

    replica_name = f"{database_name}_replica"
    members.infra.create_database(replica_name)
    replica = Database(members.infra.postgres_url(replica_name))
    try:
        async with replica.engine.begin() as connection:
            await connection.run_sync(install_messaging_schema)
            for statement in REPLICA_TABLES:
                await connection.execute(text(statement))
        consumer = EventConsumer(
            name=f"replica-{uuid.uuid4().hex[:6]}",
            database=replica,
            bootstrap_servers=members.infra.kafka_bootstrap,
            topics=[members.topic(members_stream.topic), members.topic(directory_stream.topic)],
        )
        for event_type in members_stream:
            if event_type.aggregate == "memberstate":
                consumer.on(event_type.name)(apply_member_state)
        for event_type in directory_stream:
            if event_type.aggregate == "library":
                consumer.on(event_type.name)(apply_library)

        expected_states = await _service_member_states(members)
        expected_libraries = await _service_libraries(members)
        task = asyncio.create_task(consumer.run())
        try:
            async with asyncio.timeout(90):
                while (
                    await _replica(replica, "replica_member_states", "code"),
                    await _replica(replica, "replica_libraries", "id"),
                ) != (
                    expected_states,
                    expected_libraries,
                ):
                    await asyncio.sleep(0.1)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    finally:
        await replica.dispose()
        members.infra.drop_database(replica_name)

    assert len(expected_states) == 21
    assert expected_states["CL"]["status"] == "suspended"
    assert len(expected_libraries) == len(DEMO_LIBRARIES) + 3, "the demo directory and the import"
    assert consumer.stats.dead_lettered == 0


async def _service_member_states(members: MembersUnderTest) -> dict[str, Any]:
    async with members.database.transaction() as session:
        rows = (await session.execute(select(MemberState))).scalars().all()
        return {s.code: json.loads(MemberStatePublic.of(s).model_dump_json()) for s in rows}


async def _service_libraries(members: MembersUnderTest) -> dict[str, Any]:
    async with members.database.transaction() as session:
        rows = (await session.execute(select(Library))).scalars().all()
        return {str(lib.id): json.loads(LibraryPublic.of(lib).model_dump_json()) for lib in rows}


async def _replica(replica: Database, table: str, key: str) -> dict[str, Any]:
    async with replica.transaction() as session:
        rows = await session.execute(text(f"SELECT {key}::text, state FROM {table}"))
        return dict(rows.all())
