"""Outbox → relay → Kafka → inbox consumer, against the real broker and database."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sirbi_shared.db import Database, SecondWriteRefused
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import ChangedRow, ChangeNotApplied, NewRow, OutboxRelay, outbox_table
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_recorder, effect_seqs, running, wait_until


def _relay(infra: Infrastructure, database: Database, probe: ProbeStream) -> OutboxRelay:
    return OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )


def _consumer(infra: Infrastructure, database: Database, probe: ProbeStream) -> EventConsumer:
    consumer = EventConsumer(
        name=f"test-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[probe.stream.topic],
    )
    effect_recorder(probe, consumer)
    return consumer


async def test_a_committed_event_reaches_the_consumer_once_and_a_rolled_back_one_never(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    relay, consumer = _relay(infra, database, probe), _consumer(infra, database, probe)
    async with running(relay.run(), consumer.run()):
        async with database.transaction() as session:
            await probe.outbox.add(session, probe.event(1), aggregate_id="agg")
        with pytest.raises(RuntimeError):
            await _write_then_fail(database, probe)
        # Same aggregate, so same partition: once 3 has its effect, 1 (and 2, had it existed) had theirs.
        async with database.transaction() as session:
            await probe.outbox.add(session, probe.event(3), aggregate_id="agg")
        await wait_until(lambda: _has(database, 3), what="event 3's effect")

    assert await effect_seqs(database) == [1, 3]
    assert consumer.stats.processed == 2
    async with database.transaction() as session:
        unpublished = (
            await session.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        ).scalar()
    assert unpublished == 0


async def _write_then_fail(database: Database, probe: ProbeStream) -> None:
    async with database.transaction() as session:
        await probe.outbox.add(session, probe.event(2), aggregate_id="agg")
        raise RuntimeError("the use case failed after writing its event")


async def _has(database: Database, seq: int) -> bool:
    return seq in await effect_seqs(database)


async def test_records_on_the_topic_are_cloudevents_keyed_by_aggregate(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    async with running(_relay(infra, database, probe).run()):
        async with database.transaction() as session:
            written = await probe.outbox.add(session, probe.event(7, "hola"), aggregate_id="PE")
        reader = AIOKafkaConsumer(
            probe.stream.topic,
            bootstrap_servers=infra.kafka_bootstrap,
            auto_offset_reset="earliest",
            group_id=None,
        )
        await reader.start()
        try:
            record = await reader.getone()
        finally:
            await reader.stop()

    event = from_binary_event(KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value))
    assert record.key == b"PE"
    assert event.get_id() == written.id
    assert event.get_type() == probe.recorded.event_type
    assert event.get_source() == probe.stream.source
    assert event.get_subject() == "PE"
    assert event.get_data() == {"seq": 7, "note": "hola"}
    assert event.get_extension("traceparent") is None  # written outside any request


async def test_events_of_one_aggregate_keep_their_order(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    relay, consumer = _relay(infra, database, probe), _consumer(infra, database, probe)
    async with running(relay.run(), consumer.run()):
        for batch in range(5):
            async with database.transaction() as session:
                for i in range(40):
                    await probe.outbox.add(session, probe.event(batch * 40 + i), aggregate_id="one-aggregate")
        await wait_until(lambda: _count_is(database, 200), what="200 effects")
    assert await effect_seqs(database) == list(range(200))


async def _count_is(database: Database, n: int) -> bool:
    return len(await effect_seqs(database)) >= n


async def test_only_one_relay_is_active_per_database(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    first, second = _relay(infra, database, probe), _relay(infra, database, probe)
    async with running(first.run()):
        await wait_until(lambda: _flag(first), what="first relay to lead")
        async with running(second.run()):
            async with database.transaction() as session:
                await probe.outbox.add(session, probe.event(1), aggregate_id="a")
            await wait_until(lambda: _published(first, 1), what="the leader to publish")
            assert not second.is_leader
            assert second.stats.published == 0


async def _flag(relay: OutboxRelay) -> bool:
    return relay.is_leader


async def _published(relay: OutboxRelay, n: int) -> bool:
    return relay.stats.published >= n


class _Notes(DeclarativeBase):
    pass


class _Note(_Notes):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


async def _outbox_seqs(database: Database, probe: ProbeStream) -> list[int]:
    """The `seq` of every event in the outbox for the probe's topic, in outbox order."""
    async with database.transaction() as session:
        seqs = await session.execute(
            select(outbox_table.c.data["seq"].as_integer())
            .where(outbox_table.c.topic == probe.stream.topic)
            .order_by(outbox_table.c.id)
        )
    return list(seqs.scalars().all())


async def _things(database: Database) -> Table:
    things = Table(
        f"things_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", Text, nullable=False, unique=True),
    )
    async with database.engine.begin() as connection:
        await connection.run_sync(things.metadata.create_all)
    return things


@pytest.mark.parametrize("session_kind", ["transaction", "one_write"])
async def test_a_new_row_goes_in_with_its_event_or_neither_does(
    infra: Infrastructure, database: Database, probe: ProbeStream, session_kind: str
) -> None:
    """`Outbox.add(..., new_row=...)`: the record and its event are one statement, so a record a
    constraint refuses leaves no event behind (and a written event always has its record) — in a
    transaction, and in a one-write session where the statement is its own transaction. Either
    way the commit wakes the relay, which publishes the event."""
    things = await _things(database)
    sessions = database.transaction if session_kind == "transaction" else database.one_write
    relay = _relay(infra, database, probe)
    async with running(relay.run()):
        async with sessions() as session:
            await probe.outbox.add(
                session, probe.event(1), aggregate_id="uno", new_row=NewRow(things, {"id": 1, "name": "uno"})
            )
        with pytest.raises(IntegrityError):
            async with sessions() as session:
                await probe.outbox.add(
                    session,
                    probe.event(2),
                    aggregate_id="dos",
                    new_row=NewRow(things, {"id": 2, "name": "uno"}),
                )
        await wait_until(lambda: _published(relay, 1), what="event 1 on the topic")

    async with database.transaction() as session:
        assert (await session.execute(select(things.c.id, things.c.name))).all() == [(1, "uno")]
    assert await _outbox_seqs(database, probe) == [1]


async def test_a_one_write_session_refuses_a_second_write_and_a_flush(
    database: Database, probe: ProbeStream
) -> None:
    """Without a transaction, two writes would not be all or nothing: the session refuses the
    second before it reaches the database, and any flush of the unit of work."""
    things = await _things(database)
    async with database.engine.begin() as connection:
        await connection.run_sync(_Notes.metadata.create_all)
    async with database.one_write() as session:
        await probe.outbox.add(
            session, probe.event(1), aggregate_id="uno", new_row=NewRow(things, {"id": 1, "name": "uno"})
        )
        assert (await session.execute(select(things.c.name))).scalars().all() == ["uno"]  # reads pass
        with pytest.raises(SecondWriteRefused):
            await probe.outbox.add(session, probe.event(2), aggregate_id="uno")
    async with database.one_write() as session:
        session.add(_Note(id=1, text="a change made through the unit of work"))
        with pytest.raises(SecondWriteRefused):
            await session.flush()
        session.expunge_all()  # or the commit at the block's end would try the flush again

    async with database.transaction() as session:
        assert (await session.execute(select(things.c.id))).scalars().all() == [1]
        assert (await session.execute(select(_Note))).all() == []
    assert await _outbox_seqs(database, probe) == [1]


async def test_a_change_goes_in_with_its_event_only_if_it_applies(
    database: Database, probe: ProbeStream
) -> None:
    """`Outbox.add(..., changed_row=...)`: the change and its event are one statement that
    applies only to the state the event was computed from; a stale one writes neither."""
    things = Table(
        f"versioned_{uuid.uuid4().hex[:8]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", Text, nullable=False),
        Column("version", Integer, nullable=False),
    )
    async with database.engine.begin() as connection:
        await connection.run_sync(things.metadata.create_all)
        await connection.execute(things.insert().values(id=1, name="uno", version=1))
    rename = (
        things.update()
        .where(things.c.id == bindparam("thing"), things.c.version == bindparam("expected"))
        .values(name=bindparam("new_name"), version=things.c.version + 1)
        .returning(things.c.id)
    )

    def renamed(name: str, expected: int) -> ChangedRow:
        return ChangedRow(rename, {"thing": 1, "expected": expected, "new_name": name})

    async with database.one_write() as session:
        await probe.outbox.add(session, probe.event(1), aggregate_id="1", changed_row=renamed("one", 1))
    with pytest.raises(ChangeNotApplied):  # read at version 1, but it is at 2 now
        async with database.one_write() as session:
            await probe.outbox.add(session, probe.event(2), aggregate_id="1", changed_row=renamed("eins", 1))
    clash = ChangedRow(rename, {"thing": 1, "expected": 2, "new_name": "x", "topic": "t"})
    async with database.one_write() as session:
        with pytest.raises(ValueError, match="shadow"):  # a parameter named as an outbox column
            await probe.outbox.add(session, probe.event(3), aggregate_id="1", changed_row=clash)

    async with database.transaction() as session:
        assert (await session.execute(select(things.c.name, things.c.version))).all() == [("one", 2)]
    assert await _outbox_seqs(database, probe) == [1]
