"""Poison events and failing handlers end in `<topic>.dlq` with their error; the stream goes on."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.backoff import Backoff
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_seqs, record_effect, running, wait_until


async def _dead_letters(infra: Infrastructure, topic: str, count: int) -> list[dict[str, str]]:
    reader = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest")
    await reader.start()
    try:
        letters: list[dict[str, str]] = []
        while len(letters) < count:
            record = await reader.getone()
            letters.append(
                {name: value.decode() for name, value in record.headers} | {"value": record.value.decode()}
            )
        return letters
    finally:
        await reader.stop()


async def test_poison_and_failing_events_are_dead_lettered_and_the_next_is_processed(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"dlq-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
        max_attempts=3,
        retry_backoff=Backoff(initial=0.01, maximum=0.05),
    )

    @consumer.on_payload(probe.recorded)
    async def apply(payload: object, event: CloudEvent, session: AsyncSession) -> None:
        if event.data["seq"] == 2:
            raise RuntimeError("the handler cannot apply event 2")
        await record_effect(event, session)

    # Everything goes to one aggregate key so the order on the partition is the order written here.
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"\x00not json at all", key=b"agg")  # no ce_ headers
        v2 = probe.stream.new_event(probe.event(99), aggregate_id="agg")
        await producer.send_and_wait(
            topic,
            v2.kafka_value(),
            key=b"agg",
            headers=[(k, v.replace(b".v1", b".v2") if k == "ce_type" else v) for k, v in v2.kafka_headers()],
        )
        bad_data = probe.stream.new_event(probe.event(98), aggregate_id="agg")
        await producer.send_and_wait(
            topic, b'{"seq": "not a number"}', key=b"agg", headers=bad_data.kafka_headers()
        )
    finally:
        await producer.stop()

    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    async with running(relay.run(), consumer.run()):
        async with database.transaction() as session:
            for seq in (1, 2, 3):
                await probe.outbox.add(session, probe.event(seq), aggregate_id="agg")
        await wait_until(lambda: _has(database, 3), what="the event after the failing one")
        letters = await _dead_letters(infra, probe.stream.dead_letter_topic, 4)

    assert await effect_seqs(database) == [1, 3]
    by_kind = {letter["sirbi_dlq_error_type"]: letter for letter in letters}
    assert set(by_kind) == {"EnvelopeError", "UnknownEventType", "ValidationError", "RuntimeError"}
    assert "missing ce_id" in by_kind["EnvelopeError"]["sirbi_dlq_error"]
    assert "version not handled" in by_kind["UnknownEventType"]["sirbi_dlq_error"]
    assert by_kind["ValidationError"]["sirbi_dlq_attempts"] == "1"  # bad data is not retried
    failing = by_kind["RuntimeError"]
    assert failing["sirbi_dlq_error"] == "the handler cannot apply event 2"
    assert failing["sirbi_dlq_attempts"] == "3"
    assert failing["sirbi_dlq_topic"] == topic
    assert failing["sirbi_dlq_consumer"] == consumer.name
    assert failing["ce_type"] == probe.recorded.event_type  # still a CloudEvent, can be replayed
    assert consumer.stats.retries == 2
    assert consumer.stats.dead_lettered == 4
    labels = {"consumer": consumer.name}
    assert REGISTRY.get_sample_value("sirbi_consumer_retries_total", labels) == 2
    assert REGISTRY.get_sample_value("sirbi_consumer_dead_letters_total", {**labels, "topic": topic}) == 4
    assert REGISTRY.get_sample_value("sirbi_consumer_events_total", {**labels, "outcome": "processed"}) == 2


async def _has(database: Database, seq: int) -> bool:
    return seq in await effect_seqs(database)


async def test_events_of_other_types_are_skipped_not_dead_lettered(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    consumer = EventConsumer(
        name=f"skip-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[probe.stream.topic],
    )

    @probe.stream.event("probe", "noticed")
    class Noticed(probe.recorded):  # type: ignore[name-defined, misc]
        """Another event on the same stream that this consumer does not handle."""

    consumer.on(probe.recorded.event_type)(record_effect)
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    async with running(relay.run(), consumer.run()):
        async with database.transaction() as session:
            await probe.outbox.add(session, Noticed(seq=1), aggregate_id="a")
            await probe.outbox.add(session, probe.event(2), aggregate_id="a")
        await wait_until(lambda: _has(database, 2), what="event 2")
    assert consumer.stats.skipped == 1
    assert consumer.stats.dead_lettered == 0
