"""Consumers of one group joining and leaving mid-stream: partitions move, nothing is applied
twice and nothing is skipped."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import (
    ProbeStream,
    effect_recorder,
    effect_seqs,
    record_effect,
    running,
    wait_until,
)


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
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )

    written = 0

    async def write(count: int) -> None:
        nonlocal written
        for _ in range(count):
            async with database.transaction() as session:
                await probe.outbox.add(session, probe.event(written), aggregate_id=f"agg-{written % 11}")
            written += 1

    async def write_until_second_works() -> bool:
        await write(5)
        await asyncio.sleep(0.02)
        return second.stats.processed > 0

    async with running(relay.run(), first.run()):
        await write(100)
        async with running(second.run()):  # joins: the group rebalances while events flow
            await wait_until(write_until_second_works, what="the joining member to be given partitions")
            await write(100)
        # the second leaves: its partitions go back to the first
        await write(100)
        await wait_until(lambda: _count_at_least(database, written), timeout=120, what="every event")
        await asyncio.sleep(1)  # let a wrongly redelivered event show up, if any would

    seqs = await effect_seqs(database)
    assert len(seqs) == written
    assert sorted(seqs) == list(range(written))
    assert first.stats.processed > 0
    lags = [
        REGISTRY.get_sample_value(
            "sirbi_consumer_lag", {"consumer": group, "topic": probe.stream.topic, "partition": str(p)}
        )
        for p in range(probe.stream.partitions)
    ]
    assert [lag for lag in lags if lag is not None], "the lag gauge is reported per partition"
    assert all(lag == 0 for lag in lags if lag is not None), "caught up: no lag left"


async def _count_at_least(database: Database, n: int) -> bool:
    return len(await effect_seqs(database)) >= n


async def test_progress_is_not_kept_for_a_partition_revoked_while_its_events_were_applied(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    """The first member is held inside a handler while a second joins and takes partitions from it:
    what it then finishes must not be noted as its own progress on partitions it no longer has."""
    group = f"revoked-{uuid.uuid4().hex[:8]}"
    held, release = asyncio.Event(), asyncio.Event()

    async def slow_effect(event: CloudEvent, session: AsyncSession) -> None:
        if not release.is_set():
            held.set()
            await release.wait()
        await record_effect(event, session)

    first = EventConsumer(
        name=group, database=database, bootstrap_servers=infra.kafka_bootstrap, topics=[probe.stream.topic]
    )
    first.on(probe.recorded.event_type)(slow_effect)
    second = EventConsumer(
        name=group, database=database, bootstrap_servers=infra.kafka_bootstrap, topics=[probe.stream.topic]
    )
    effect_recorder(probe, second)
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    events = 60
    async with database.transaction() as session:
        for seq in range(events):
            await probe.outbox.add(session, probe.event(seq), aggregate_id=f"agg-{seq % 11}")

    async with running(relay.run(), first.run()):
        await wait_until(_is_set(held), what="the first member to be inside a handler")
        async with running(second.run()):
            await wait_until(_has_partitions(second), what="the joining member to be given partitions")
            release.set()
            await wait_until(lambda: _count_at_least(database, events), timeout=120, what="every event")
            assert first._consumer is not None
            assert second._consumer is not None
            first_has, second_has = first._consumer.assignment(), second._consumer.assignment()
            assert first_has.isdisjoint(second_has)
            assert second_has, "the partitions were split"
            assert set(first._done) <= first_has, "no progress kept for partitions given away"

    seqs = await effect_seqs(database)
    assert sorted(set(seqs)) == list(range(events))
    assert len(seqs) == events, "no event had its effect twice"


def _is_set(flag: asyncio.Event) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return flag.is_set()

    return check


def _has_partitions(consumer: EventConsumer) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return consumer._consumer is not None and bool(consumer._consumer.assignment())

    return check
