"""Waking the relay without a NOTIFY in the writing transaction: after commit in the writer's
process, passed on by a relay standing by in another, and the safety net for the rest.

The relays here wait 30 s between safety-net looks, so an event published within the tests'
10 s bound can only have been woken for.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.outbox import OutboxRelay
from sirbi_shared.outbox.wakeups import Lane, running_relays
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, running, wait_until

SAFETY_NET = 30.0
WOKEN_WITHIN = 10.0


def _relay(infra: Infrastructure, database: Database, probe: ProbeStream, idle_wakeup: float) -> OutboxRelay:
    return OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
        idle_wakeup=idle_wakeup,
    )


class Doorbell:
    """Stands in for a relay of the lane: counts its wake-ups."""

    def __init__(self) -> None:
        self.rings = 0

    def wake(self) -> None:
        self.rings += 1


async def _rings(doorbell: Doorbell) -> int:
    await asyncio.sleep(0)  # wake-ups are scheduled on the loop: let them land
    return doorbell.rings


async def test_the_outbox_has_no_trigger(database: Database) -> None:
    async with database.transaction() as session:
        triggers = (
            await session.execute(
                text(
                    "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND NOT tgisinternal"
                )
            )
        ).scalar()
    assert triggers == 0


async def test_a_commit_wakes_its_lanes_relays_once_and_a_rollback_wakes_none(
    database: Database, probe: ProbeStream
) -> None:
    doorbell, other_doorbell = Doorbell(), Doorbell()
    lane, other_lane = Lane.of(database.url, probe.stream.topic), Lane.of(database.url, "another.topic")
    running_relays.register(lane, doorbell)
    running_relays.register(other_lane, other_doorbell)
    try:
        async with database.sessions() as session:
            with pytest.raises(RuntimeError):
                await _write_then_fail(session, probe, 1)
        assert await _rings(doorbell) == 0

        async with database.transaction() as session:
            for seq in range(3):
                await probe.outbox.add(session, probe.event(seq), aggregate_id="a")
            await probe.outbox.add_many(session, [probe.stream.new_event(probe.event(9), aggregate_id="b")])
        assert await _rings(doorbell) == 1

        async with database.sessions() as session:
            async with session.begin():
                await probe.outbox.add(session, probe.event(4), aggregate_id="a")
                async with session.begin_nested():
                    await probe.outbox.add(session, probe.event(5), aggregate_id="a")
                assert await _rings(doorbell) == 1  # a released savepoint is not a commit
            assert await _rings(doorbell) == 2
            with pytest.raises(RuntimeError):
                await _write_then_fail(session, probe, 6)
            async with session.begin():  # the same session commits again, writing no event
                await session.execute(text("SELECT 1"))
            assert await _rings(doorbell) == 2

        assert await _rings(other_doorbell) == 0
    finally:
        running_relays.unregister(lane, doorbell)
        running_relays.unregister(other_lane, other_doorbell)


async def test_an_event_committed_in_this_process_is_published_at_once(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    relay = _relay(infra, database, probe, idle_wakeup=SAFETY_NET)
    async with running(relay.run()):
        async with database.transaction() as session:
            await probe.outbox.add(session, probe.event(1), aggregate_id="a")
        await wait_until(lambda: _published(relay, 1), what="the drain at start")  # now it sleeps

        async with database.sessions() as session:
            with pytest.raises(RuntimeError):
                await _write_then_fail(session, probe, 2)
        async with database.transaction() as session:
            await probe.outbox.add(session, probe.event(3), aggregate_id="a")
        await wait_until(lambda: _published(relay, 2), timeout=WOKEN_WITHIN, what="the woken relay")
    assert relay.stats.published == 2
    assert await _unpublished(database) == 0


async def test_a_relay_standing_by_passes_its_processs_commits_on_to_the_leader(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    leader = _relay(infra, database, probe, idle_wakeup=SAFETY_NET)
    standing_by = _relay(infra, database, probe, idle_wakeup=SAFETY_NET)
    async with running(leader.run()):
        await _insert_as_another_process(database, probe, 1)
        await wait_until(lambda: _published(leader, 1), what="the drain at start")  # now it sleeps
        async with running(standing_by.run()):
            # The other process's commit: its row, then its own relays woken (here, the one standing by).
            await _insert_as_another_process(database, probe, 2)
            standing_by.wake()
            await wait_until(lambda: _published(leader, 2), timeout=WOKEN_WITHIN, what="the leader woken")
            assert not standing_by.is_leader


async def test_rows_from_a_process_without_a_relay_wait_for_the_safety_net(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    relay = _relay(infra, database, probe, idle_wakeup=0.5)
    async with running(relay.run()):
        await wait_until(lambda: _leads(relay), what="the relay to lead")
        await _insert_as_another_process(database, probe, 1)
        await wait_until(lambda: _published(relay, 1), timeout=WOKEN_WITHIN, what="the safety net")


async def _write_then_fail(session: AsyncSession, probe: ProbeStream, seq: int) -> None:
    async with session.begin():
        await probe.outbox.add(session, probe.event(seq), aggregate_id="a")
        raise RuntimeError("the use case failed after writing its event")


async def _insert_as_another_process(database: Database, probe: ProbeStream, seq: int) -> None:
    """A committed outbox row this process's relays hear nothing about."""
    async with database.transaction() as session:
        await session.execute(
            text(
                "INSERT INTO outbox (event_id, topic, partition_key, event_type, headers, data) "
                "VALUES (:id, :topic, 'a', :type, '{}', CAST(:data AS jsonb))"
            ),
            {
                "id": str(uuid.uuid4()),
                "topic": probe.stream.topic,
                "type": probe.recorded.event_type,
                "data": json.dumps({"seq": seq}),
            },
        )


async def _published(relay: OutboxRelay, n: int) -> bool:
    return relay.stats.published >= n


async def _leads(relay: OutboxRelay) -> bool:
    return relay.is_leader


async def _unpublished(database: Database) -> int:
    async with database.transaction() as session:
        count: int = (
            await session.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        ).scalar_one()
    return count
