"""Kafka stopped while writes go on: every write succeeds, and after the restart every event
arrives once. The broker is the real one, stopped and started again."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from sirbi_shared.db import Database
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_recorder, effect_seqs, running, wait_until

pytestmark = pytest.mark.fault

OUTAGE_S = 10.0
WRITES_PER_S = 20


async def test_writes_go_on_while_kafka_is_down_and_every_event_arrives_after_it_returns(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    consumer = EventConsumer(
        name=f"outage-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[probe.stream.topic],
    )
    effect_recorder(probe, consumer)
    written: list[int] = []
    kafka_down = asyncio.Event()

    async def steady_writes(until: asyncio.Event) -> None:
        seq = 0
        while not until.is_set():
            # Each write is its own transaction, as an API request would be; none may fail.
            async with database.transaction() as session:
                await probe.outbox.add(session, probe.event(seq), aggregate_id=f"agg-{seq % 7}")
            written.append(seq)
            seq += 1
            await asyncio.sleep(1 / WRITES_PER_S)

    stop_writing = asyncio.Event()
    async with running(relay.run(), consumer.run()):
        writer = asyncio.create_task(steady_writes(stop_writing))
        await wait_until(lambda: _count_at_least(database, 20), what="events flowing before the outage")

        await asyncio.to_thread(infra.stop_kafka)
        kafka_down.set()
        written_before_outage = len(written)
        await asyncio.sleep(OUTAGE_S)
        written_during_outage = len(written) - written_before_outage
        await asyncio.to_thread(infra.start_kafka)

        await asyncio.sleep(2)
        stop_writing.set()
        await writer  # re-raises if any write failed
        await wait_until(
            lambda: _count_at_least(database, len(written)), timeout=180, what="every event after the restart"
        )

    assert written_during_outage >= OUTAGE_S * WRITES_PER_S / 2, "writes must go on while Kafka is down"
    seqs = await effect_seqs(database)
    assert sorted(seqs) == list(range(len(written))), "every event exactly once: none lost, none doubled"


async def _count_at_least(database: Database, n: int) -> bool:
    return len(await effect_seqs(database)) >= n
