"""A catch-all handler takes every event type without a handler of its own, with the same inbox
(one effect per event however often it is delivered)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_seqs, record_effect, running, wait_until


async def test_unknown_types_reach_the_catch_all_once_and_specific_handlers_keep_theirs(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"all-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
    )

    @consumer.on(probe.recorded.event_type)
    async def specific(event: CloudEvent, session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO effects (event_id, seq) VALUES (:id, :seq)"),
            {"id": event.id, "seq": 1000 + event.data["seq"]},
        )

    consumer.on_any(record_effect)
    with pytest.raises(ValueError, match="two catch-all"):
        consumer.on_any(record_effect)

    def foreign(seq: int, type_: str) -> CloudEvent:
        # Types this consumer has never heard of, as another service would publish them.
        return CloudEvent(
            source="/sirbi/elsewhere", type=type_, data={"seq": seq}, extensions={"partitionkey": "k"}
        )

    events = [
        foreign(1, "org.sirbi.elsewhere.thing.happened.v1"),
        probe.stream.new_event(probe.event(2), aggregate_id="k"),
        foreign(3, "org.sirbi.elsewhere.thing.happened.v2"),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        for event in [*events, events[0]]:  # the first one delivered twice
            await producer.send_and_wait(
                topic, event.kafka_value(), key=event.kafka_key(), headers=event.kafka_headers()
            )
    finally:
        await producer.stop()

    async with running(consumer.run()):

        async def all_seen() -> bool:
            return consumer.stats.processed + consumer.stats.duplicates >= 4

        await wait_until(all_seen, what="four records consumed")
    assert sorted(await effect_seqs(database)) == [1, 3, 1002]
    assert consumer.stats.duplicates == 1
    assert consumer.stats.skipped == 0
