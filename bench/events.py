"""Event backbone benchmark: outbox relay throughput and commit-to-effect propagation latency.

Runs on its own Kafka and PostgreSQL (the launcher's `bench` profile, durable settings), and
prints every figure beside a baseline measured in the same run on the same broker:

- throughput: the relay draining N committed outbox rows vs a bare aiokafka producer sending N
  records of the same size and headers with the same producer settings;
- latency at a steady rate: commit of an event's transaction -> its effect applied by an inbox
  consumer (outbox, relay, Kafka, inbox, effect) vs produce -> consume of a bare record.

    make bench                   # defaults
    python bench/events.py --events 50000 --rate 100 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy" / "local"))

import launcher  # noqa: E402
from bench.figures import BenchRun, Figure  # noqa: E402
from sirbi_shared.db import Database  # noqa: E402
from sirbi_shared.events import CloudEvent, EventPayload, EventStream, TopicSpec, ensure_topics  # noqa: E402
from sirbi_shared.inbox import EventConsumer  # noqa: E402
from sirbi_shared.outbox import Outbox, OutboxRelay  # noqa: E402
from sirbi_shared.outbox.tables import install_messaging_schema  # noqa: E402


def _stream() -> tuple[EventStream, type[EventPayload]]:
    stream = EventStream(f"bench{uuid.uuid4().hex[:8]}", partitions=6)

    @stream.event("library", "registered")
    class LibraryRegistered(EventPayload):
        """A directory-sized event: a library row as the members service would publish it."""

        isil: str
        name: str
        country: str
        admin_area: str
        seq: int

    return stream, LibraryRegistered


def _payload(cls: type[EventPayload], seq: int) -> EventPayload:
    return cls(  # type: ignore[call-arg]
        isil=f"PE-B{seq:07d}",
        name=f"Biblioteca Pública Municipal número {seq}",
        country="PE",
        admin_area="Lima / Lima / Miraflores",
        seq=seq,
    )


def _producer(bootstrap: str) -> AIOKafkaProducer:
    # The same settings as the relay's producer, so the baseline is like for like.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        acks="all",
        linger_ms=1,
        max_batch_size=512 * 1024,
    )


async def bare_producer_throughput(bootstrap: str, events: list[CloudEvent], topic: str) -> float:
    producer = _producer(bootstrap)
    await producer.start()
    try:
        started = time.perf_counter()
        deliveries = [
            await producer.send(topic, value=e.kafka_value(), key=e.kafka_key(), headers=e.kafka_headers())
            for e in events
        ]
        await asyncio.gather(*deliveries)
        return len(events) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def relay_throughput(
    bootstrap: str, database: Database, stream: EventStream, events: list[CloudEvent]
) -> float:
    # Rows are committed first (not timed); the clock runs while the relay drains them.
    outbox = Outbox(stream)
    for start in range(0, len(events), 5000):
        async with database.transaction() as session:
            await outbox.add_many(session, events[start : start + 5000])
    relay = OutboxRelay(
        service="bench", topic=stream.topic, dsn=database.asyncpg_dsn, bootstrap_servers=bootstrap
    )
    started = time.perf_counter()
    task = asyncio.create_task(relay.run())
    try:
        while relay.stats.published < len(events):
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        return len(events) / (time.perf_counter() - started)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 2),
        "p99": round(cuts[98], 2),
        "max": round(ordered[-1], 2),
        "n": len(ordered),
    }


async def outbox_latency(
    bootstrap: str,
    database: Database,
    stream: EventStream,
    payload: type[EventPayload],
    rate: float,
    seconds: float,
) -> dict[str, float]:
    """Commit -> effect through outbox, relay, Kafka and an inbox consumer, at a steady rate."""
    committed: dict[int, float] = {}
    applied: dict[int, float] = {}
    consumer = EventConsumer(
        name=f"bench-{uuid.uuid4().hex[:6]}",
        database=database,
        bootstrap_servers=bootstrap,
        topics=[stream.topic],
    )

    @consumer.on(payload.event_type)
    async def apply(event: CloudEvent, session: AsyncSession) -> None:
        seq = event.data["seq"]
        await session.execute(text("INSERT INTO effects (seq) VALUES (:seq)"), {"seq": seq})
        # The effect is visible to others once the consumer's transaction commits: stamp it then.
        sa_event.listen(
            session.sync_session,
            "after_commit",
            lambda _: applied.setdefault(seq, time.perf_counter()),
            once=True,
        )

    outbox = Outbox(stream)
    relay = OutboxRelay(
        service="bench", topic=stream.topic, dsn=database.asyncpg_dsn, bootstrap_servers=bootstrap
    )
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(consumer.run())]
    try:
        await _warm_up(database, outbox, payload, applied)
        total = int(rate * seconds)
        started = time.perf_counter()
        for seq in range(total):
            target = started + seq / rate
            await asyncio.sleep(max(0.0, target - time.perf_counter()))
            async with database.transaction() as session:
                await outbox.add(session, _payload(payload, seq), aggregate_id=f"PE-{seq % 50}")
            committed[seq] = time.perf_counter()
        deadline = time.perf_counter() + 60
        while len([s for s in committed if s in applied]) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return _percentiles([(applied[s] - committed[s]) * 1000 for s in committed if s in applied])


async def _warm_up(
    database: Database, outbox: Outbox, payload: type[EventPayload], applied: dict[int, float]
) -> None:
    """Connections, metadata and the consumer group settle before the clock runs."""
    async with database.transaction() as session:
        await outbox.add(session, _payload(payload, -1), aggregate_id="warm-up")
    while -1 not in applied:
        await asyncio.sleep(0.05)


async def bare_latency(bootstrap: str, topic: str, rate: float, seconds: float) -> dict[str, float]:
    """Produce -> consume of bare records at the same rate: what Kafka and aiokafka cost alone."""
    producer = _producer(bootstrap)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bare-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="latest",
    )
    await producer.start()
    await consumer.start()
    sent: dict[int, float] = {}
    received: dict[int, float] = {}

    async def consume() -> None:
        async for record in consumer:
            received[int(record.value)] = time.perf_counter()

    reader = asyncio.create_task(consume())
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        total = int(rate * seconds)
        started = time.perf_counter()
        for seq in range(total):
            await asyncio.sleep(max(0.0, started + seq / rate - time.perf_counter()))
            sent[seq] = time.perf_counter()
            await producer.send(topic, value=str(seq).encode(), key=f"PE-{seq % 50}".encode())
        deadline = time.perf_counter() + 30
        while len(received) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        await consumer.stop()
        await producer.stop()
    return _percentiles([(received[s] - sent[s]) * 1000 for s in sent if s in received])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    profile = launcher.bench_profile()
    postgres, kafka = launcher.PostgresCluster(profile), launcher.KafkaBroker(profile)
    postgres.start()
    kafka.start()
    name = f"bench_{uuid.uuid4().hex[:8]}"
    postgres.ensure_database(name)
    database = Database(postgres.url(name), pool_size=5)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(install_messaging_schema)
            await connection.execute(
                text("CREATE TABLE effects (id bigserial PRIMARY KEY, seq int NOT NULL)")
            )
        bootstrap = profile.kafka_bootstrap

        stream, payload = _stream()
        bare_topic = f"{stream.topic}.bare"
        await ensure_topics(bootstrap, [*stream.topics(), _scratch_topic(bare_topic, stream.partitions)])
        events = [
            stream.new_event(_payload(payload, i), aggregate_id=f"PE-{i % 500}") for i in range(args.events)
        ]

        print(f"throughput: {args.events} events, {stream.partitions} partitions ...", flush=True)
        bare = await bare_producer_throughput(bootstrap, events, bare_topic)
        relayed = await relay_throughput(bootstrap, database, stream, events)
        bare_again = await bare_producer_throughput(bootstrap, events, bare_topic)
        baseline = (bare + bare_again) / 2  # before and after, to even out drift on a noisy machine
        print(
            f"  bare aiokafka producer  {baseline:>10,.0f} events/s  (runs: {bare:,.0f}, {bare_again:,.0f})"
        )
        print(f"  outbox relay            {relayed:>10,.0f} events/s  ratio {relayed / baseline:.2f}")

        print(f"latency: {args.rate:g} events/s for {args.seconds:g}s ...", flush=True)
        lat_stream, lat_payload = _stream()
        await ensure_topics(bootstrap, [*lat_stream.topics(), _scratch_topic(lat_stream.topic + ".bare", 6)])
        bare_lat = await bare_latency(bootstrap, lat_stream.topic + ".bare", args.rate, args.seconds)
        outbox_lat = await outbox_latency(
            bootstrap, database, lat_stream, lat_payload, args.rate, args.seconds
        )
        print(
            f"  bare produce->consume   p50 {bare_lat['p50']:>7.2f} ms  p99 {bare_lat['p99']:>7.2f} ms  "
            f"(n={bare_lat['n']:.0f})"
        )
        print(
            f"  commit->effect          p50 {outbox_lat['p50']:>7.2f} ms  p99 {outbox_lat['p99']:>7.2f} ms  "
            f"(n={outbox_lat['n']:.0f}; ratio p50 {outbox_lat['p50'] / bare_lat['p50']:.1f}x)"
        )
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()}",
            "events": args.events,
            "throughput": {
                "bare_producer_eps": round(baseline),
                "relay_eps": round(relayed),
                "ratio": round(relayed / baseline, 2),
            },
            "latency_ms": {
                "rate_eps": args.rate,
                "seconds": args.seconds,
                "bare": bare_lat,
                "commit_to_effect": outbox_lat,
            },
        }
    finally:
        await database.dispose()
        postgres.drop_database(name)
        if not args.keep_running:
            kafka.stop()
            postgres.stop()


def _scratch_topic(name: str, partitions: int) -> TopicSpec:
    """A topic for the bare baselines, dropped by Kafka after an hour."""
    return TopicSpec(name, partitions, {"retention.ms": "3600000"})


def record(results: dict[str, Any], args: argparse.Namespace, seconds: float) -> BenchRun:
    """P4 (relay against a bare producer) and P3 on the backbone (commit -> effect against a bare
    produce -> consume), as figures."""
    run = BenchRun(
        name="events",
        command=(
            f"python bench/events.py --events {args.events} --rate {args.rate:g} --seconds {args.seconds:g}"
        ),
        seconds=seconds,
    )
    throughput, latency = results["throughput"], results["latency_ms"]
    run.add(
        Figure(
            bar="P4",
            what=f"outbox relay throughput, {args.events:,} committed rows to a 6-partition topic",
            value=throughput["relay_eps"],
            unit="events/s",
            baseline_what="bare aiokafka producer, same records",
            baseline=throughput["bare_producer_eps"],
            ratio=throughput["ratio"],
            target="≥ 10,000 events/s",
            holds=throughput["relay_eps"] >= 10_000,
        )
    )
    bare, effect = latency["bare"], latency["commit_to_effect"]
    for name, bar_ms in (("p50", 30.0), ("p99", 150.0)):
        run.add(
            Figure(
                bar="P3",
                what=f"backbone: writer's commit -> consumer's effect, {name}, at {args.rate:g} events/s",
                value=effect[name],
                unit="ms",
                baseline_what="bare produce -> consume",
                baseline=bare[name],
                ratio=round(effect[name] / bare[name], 2),
                target=f"≤ {bar_ms:g} ms",
                holds=effect[name] <= bar_ms,
            )
        )
    run.notes.append(
        "The backbone alone: one database, the relay woken after commit, one inbox consumer, no "
        "HTTP. The platform's propagation from a write's 2xx to another service is in `gateway`."
    )
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--keep-running", action="store_true", help="leave the bench Kafka and PostgreSQL up")
    args = parser.parse_args()
    started = time.monotonic()
    results = asyncio.run(run(args))
    out = record(results, args, time.monotonic() - started).write()
    print(f"figures written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
