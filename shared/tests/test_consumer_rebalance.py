"""Consumers of one group joining and leaving mid-stream: partitions move, nothing is applied
twice and nothing is skipped."""

from __future__ import annotations

import asyncio
import uuid

from prometheus_client import REGISTRY

from sirbi_shared.db import Database
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_recorder, effect_seqs, running, wait_until

EVENTS = 600


async def test_partitions_move_between_consumers_without_duplicates_or_gaps(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    group = f"rebalance-{uuid.uuid4().hex[:8]}"

    def member() -> EventConsumer:
        consumer = EventConsumer(
            name=group,
            database=database,
            bootstrap_servers=infra.kafka_bootstrap,
            topics=[probe.stream.topic],
        )
        effect_recorder(probe, consumer)
        return consumer

    first, second = member(), member()
    relay = OutboxRelay(service="test", dsn=database.asyncpg_dsn, bootstrap_servers=infra.kafka_bootstrap)

    async def write(start: int, stop: int) -> None:
        for seq in range(start, stop):
            async with database.transaction() as session:
                await probe.outbox.add(session, probe.event(seq), aggregate_id=f"agg-{seq % 11}")

    async with running(relay.run(), first.run()):
        await write(0, EVENTS // 3)
        async with running(second.run()):  # joins: the group rebalances while events flow
            await write(EVENTS // 3, 2 * EVENTS // 3)
            await wait_until(lambda: _both_working(first, second), what="both members to apply events")
        # the second leaves: its partitions go back to the first
        await write(2 * EVENTS // 3, EVENTS)
        await wait_until(lambda: _count_at_least(database, EVENTS), timeout=120, what="every event")
        await asyncio.sleep(1)  # let a wrongly redelivered event show up, if any would

    seqs = await effect_seqs(database)
    assert len(seqs) == EVENTS
    assert sorted(seqs) == list(range(EVENTS))
    assert first.stats.processed + second.stats.processed == EVENTS
    lags = [
        REGISTRY.get_sample_value(
            "sirbi_consumer_lag", {"consumer": group, "topic": probe.stream.topic, "partition": str(p)}
        )
        for p in range(probe.stream.partitions)
    ]
    assert [lag for lag in lags if lag is not None], "the lag gauge is reported per partition"
    assert all(lag == 0 for lag in lags if lag is not None), "caught up: no lag left"


async def _both_working(first: EventConsumer, second: EventConsumer) -> bool:
    return first.stats.processed > 0 and second.stats.processed > 0


async def _count_at_least(database: Database, n: int) -> bool:
    return len(await effect_seqs(database)) >= n
