"""`EventConsumer.on_any`: every type without a handler of its own reaches the catch-all, with
the same inbox (one effect per event) and dead letters (a record that is no CloudEvent)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_seqs, record_effect, running, wait_until


async def _first_dead_letter(infra: Infrastructure, topic: str) -> dict[str, bytes]:
    reader = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest")
    await reader.start()
    try:
        record = await reader.getone()
        return dict(record.headers) | {"value": record.value}
    finally:
        await reader.stop()


async def test_catch_all_handles_unregistered_types_once_and_dead_letters_garbage(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"any-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
    )
    consumer.on(probe.recorded.event_type)(record_effect)

    @consumer.on_any
    async def file_anything(event: CloudEvent, session: AsyncSession) -> None:
        # Negative: tells the catch-all's effects from the registered handler's.
        await session.execute(
            text("INSERT INTO effects (event_id, seq) VALUES (:id, :seq)"),
            {"id": event.id, "seq": -int(event.data["seq"])},
        )

    known = probe.stream.new_event(probe.event(1), aggregate_id="agg")
    newer = probe.stream.new_event(probe.event(2), aggregate_id="agg")
    foreign = CloudEvent(
        source="/sirbi/elsewhere",
        type="org.sirbi.elsewhere.thing.happened.v1",
        subject="agg",
        data={"seq": 3},
    )
    last = probe.stream.new_event(probe.event(4), aggregate_id="agg")
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        for event, headers in (
            (known, known.kafka_headers()),
            # A version nobody registered: without a catch-all it would be dead-lettered.
            (
                newer,
                [(k, v.replace(b".v1", b".v2") if k == "ce_type" else v) for k, v in newer.kafka_headers()],
            ),
            (foreign, foreign.kafka_headers()),
            (known, known.kafka_headers()),  # delivered twice
        ):
            await producer.send_and_wait(topic, event.kafka_value(), key=b"agg", headers=headers)
        await producer.send_and_wait(topic, b"\x00not an event", key=b"agg")
        await producer.send_and_wait(topic, last.kafka_value(), key=b"agg", headers=last.kafka_headers())
    finally:
        await producer.stop()

    async with running(consumer.run()):

        async def all_seen() -> bool:
            return len(await effect_seqs(database)) >= 4

        await wait_until(all_seen, what="four effects")
        letter = await _first_dead_letter(infra, topic + ".dlq")

    assert await effect_seqs(database) == [1, -2, -3, 4]
    assert consumer.stats.duplicates == 1
    assert letter["value"] == b"\x00not an event"
    assert letter["sirbi_dlq_error_type"] == b"EnvelopeError"


def test_a_second_catch_all_is_refused() -> None:
    consumer = EventConsumer(
        name="any-twice",
        database=Database("postgresql+asyncpg://x@127.0.0.1/x"),
        bootstrap_servers="",
        topics=[],
    )

    async def handler(event: CloudEvent, session: AsyncSession) -> None:
        return None

    consumer.on_any(handler)
    with pytest.raises(ValueError, match="two catch-all handlers"):
        consumer.on_any(handler)
