"""`EventConsumer.on_any`: every type without a handler of its own reaches the catch-all, with
the same inbox (one effect per event) and dead letters (a record that is no CloudEvent)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer, PermanentEventError
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


async def test_a_batch_catch_all_files_many_events_per_call_and_falls_back_to_one_at_a_time(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    """Events of several partitions reach the batch handler together, in each partition's order;
    a batch that fails is applied again one event at a time, so only the event at fault is
    dead-lettered and the others take effect once."""
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"batch-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
    )
    calls: list[list[int]] = []

    @consumer.on_any_batch
    async def file_all(events: Sequence[CloudEvent], session: AsyncSession) -> None:
        seqs = [int(event.data["seq"]) for event in events]
        calls.append(seqs)
        if 13 in seqs:
            raise PermanentEventError("13 is refused")
        await session.execute(
            text("INSERT INTO effects (event_id, seq) VALUES (:id, :seq)"),
            [{"id": event.id, "seq": seq} for event, seq in zip(events, seqs, strict=True)],
        )

    async def send(events: Sequence[CloudEvent]) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
        await producer.start()
        try:
            for event in events:
                await producer.send_and_wait(
                    topic,
                    event.kafka_value(),
                    key=event.kafka_key(),
                    headers=event.kafka_headers(),
                )
        finally:
            await producer.stop()

    def events(seqs: range | list[int]) -> list[CloudEvent]:
        # Three aggregates, so the events spread over the stream's partitions.
        return [probe.stream.new_event(probe.event(seq), aggregate_id=f"agg-{seq % 3}") for seq in seqs]

    first = events(range(1, 13))
    await send([*first, first[0]])  # the first one delivered twice
    async with running(consumer.run()):

        async def first_filed() -> bool:
            return len(await effect_seqs(database)) >= 12

        await wait_until(first_filed, what="the first twelve events")
        assert max(len(call) for call in calls) > 1, "events waiting together are filed together"
        for aggregate in range(3):  # each partition's events in their order
            filed = [seq for call in calls for seq in call if seq % 3 == aggregate]
            assert filed == sorted(filed)

        await send(events([13, 14, 15]))

        async def rest_filed() -> bool:
            return len(await effect_seqs(database)) >= 14

        await wait_until(rest_filed, what="the events beside the refused one")
        letter = await _first_dead_letter(infra, topic + ".dlq")

    assert sorted(await effect_seqs(database)) == [*range(1, 13), 14, 15]
    assert consumer.stats.duplicates == 1
    assert letter["sirbi_dlq_error_type"] == b"PermanentEventError"
    assert [13] in calls, "after the batch failed, the event at fault was tried on its own"


async def test_a_batch_handler_of_one_type_keeps_the_order_of_events_around_it(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    """`on_batch`: consecutive events of its type go in together; an event for another handler
    in between is applied at its place, so effects keep the partition's order."""
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"typed-batch-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
    )
    calls: list[list[int]] = []

    @consumer.on_batch(probe.recorded.event_type)
    async def record_all(events: Sequence[CloudEvent], session: AsyncSession) -> None:
        calls.append([int(event.data["seq"]) for event in events])
        for event in events:
            await record_effect(event, session)

    @consumer.on_any
    async def file_other(event: CloudEvent, session: AsyncSession) -> None:
        await session.execute(
            text("INSERT INTO effects (event_id, seq) VALUES (:id, :seq)"),
            {"id": event.id, "seq": -int(event.data["seq"])},
        )

    def other(seq: int) -> CloudEvent:
        return CloudEvent(
            source="/sirbi/elsewhere", type="org.sirbi.elsewhere.thing.happened.v1", data={"seq": seq}
        )

    recorded = [probe.stream.new_event(probe.event(seq), aggregate_id="agg") for seq in (1, 2, 4, 5)]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        for event in (*recorded[:2], other(3), *recorded[2:]):
            await producer.send(topic, event.kafka_value(), key=b"agg", headers=event.kafka_headers())
        await producer.flush()
    finally:
        await producer.stop()

    async with running(consumer.run()):

        async def all_applied() -> bool:
            return len(await effect_seqs(database)) >= 5

        await wait_until(all_applied, what="five effects")

    assert await effect_seqs(database) == [1, 2, -3, 4, 5]
    assert sorted(seq for call in calls for seq in call) == [1, 2, 4, 5]
    assert all(call == sorted(call) for call in calls)
    assert max(len(call) for call in calls) > 1, "events waiting together are applied together"
    with pytest.raises(ValueError, match="two handlers"):
        consumer.on_batch(probe.recorded.event_type)(record_all)
