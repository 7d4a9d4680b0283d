"""Bulk writes by COPY (outbox events, history entries) and loops that take turns."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.history import ChangeEntry, install_history_table, read_history, record_changes
from sirbi_shared.turns import in_turns
from tests.support.probe import ProbeStream


async def test_bulk_outbox_rows_carry_the_envelopes_and_are_published_only_if_committed(
    database: Database, probe: ProbeStream
) -> None:
    events = [
        probe.stream.new_event(probe.event(seq, note="Biblioteca Pública"), aggregate_id=f"lib-{seq}")
        for seq in range(1500)
    ]
    with pytest.raises(RuntimeError):
        await _add_then_fail(database, probe, events[:10])
    async with database.transaction() as session:
        await probe.outbox.add_many(session, events)

    async with database.transaction() as session:
        rows = (
            await session.execute(
                text("SELECT event_id, partition_key, event_type, headers, data FROM outbox ORDER BY id")
            )
        ).all()
    assert [row.event_id for row in rows] == [e.id for e in events]  # the rolled-back ten left nothing
    last = events[-1]
    stored = rows[-1]
    assert stored.partition_key == "lib-1499"
    assert stored.event_type == last.type
    assert stored.data == {"seq": 1499, "note": "Biblioteca Pública"}
    assert stored.headers == {name: value.decode() for name, value in last.kafka_headers()}
    rebuilt = CloudEvent.from_kafka(
        key=b"lib-1499",
        value=json.dumps(stored.data).encode(),
        headers=[(k, v.encode()) for k, v in stored.headers.items()],
    )
    assert rebuilt == last


async def _add_then_fail(database: Database, probe: ProbeStream, events: list[CloudEvent]) -> None:
    # The bulk write is the first statement of its transaction: it must still roll back with it.
    async with database.transaction() as session:
        await probe.outbox.add_many(session, events)
        raise RuntimeError("the use case failed after writing")


async def test_bulk_history_entries_read_back_in_order(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(install_history_table)
    entries: list[ChangeEntry] = [
        {
            "aggregate_type": "library",
            "aggregate_id": "lib-1",
            "version": version,
            "action": "registered" if version == 1 else "updated",
            "actor": "import",
            "state": {"name": f"Biblioteca {version}", "capabilities": ["internet_access"]},
        }
        for version in (1, 2, 3)
    ]
    async with database.transaction() as session:
        await record_changes(session, entries)
        history = await read_history(session, "library", "lib-1")
    assert [(h.version, h.action, h.state["name"]) for h in history] == [
        (1, "registered", "Biblioteca 1"),
        (2, "updated", "Biblioteca 2"),
        (3, "updated", "Biblioteca 3"),
    ]


async def test_a_long_loop_lets_other_tasks_run_between_turns() -> None:
    ticks: list[int] = []
    seen: list[int] = []

    async def other_task() -> None:
        while True:
            ticks.append(len(seen))
            await asyncio.sleep(0)

    other = asyncio.create_task(other_task())
    await asyncio.sleep(0)  # let it start
    ticks.clear()
    async for item in in_turns(range(1000), every=100):
        seen.append(item)
    other.cancel()

    assert seen == list(range(1000))
    # The other task ran at every turn: after 100, 200, … 1,000 items, and never mid-turn.
    assert sorted(set(ticks)) == list(range(100, 1001, 100))
