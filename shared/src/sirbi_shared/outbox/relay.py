"""The outbox relay: publishes committed outbox rows to Kafka, in order, and marks them published.

A relay serves one topic of one service database (a *lane*): a service with two streams runs two
relays, so a burst on one topic (a bulk import) never delays the other. One relay is active per
lane (a PostgreSQL advisory lock held by its connection elects it; other replicas stand by), so
rows leave in `id` order and each aggregate's events keep their order on its partition.

The relay sleeps until it is woken, drains the backlog in batches (`FOR UPDATE SKIP LOCKED`), and
wakes by itself every `idle_wakeup` seconds as a safety net. A commit that wrote outbox rows wakes
the relays of its lanes in its own process (`wakeups`); a relay standing by there passes the
wake-up on to the leader in another process with a NOTIFY from its own connection, which writes
nothing (writing transactions never NOTIFY: see ADR 0002). Rows written by a process that runs no
relay of their lane (the `seed` command) wait for the safety net.

When Kafka or PostgreSQL is away the relay backs off and retries: rows wait in the table, writes
are never refused, and nothing is lost. Delivery is at-least-once (a batch that fails part-way is
sent again); consumers deduplicate with their inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.engine import make_url

from sirbi_shared.backoff import Backoff, keep_running
from sirbi_shared.outbox.tables import OUTBOX_CHANNEL
from sirbi_shared.outbox.wakeups import Lane, running_relays
from sirbi_shared.turns import in_turns

log = logging.getLogger(__name__)

PUBLISHED = Counter("sirbi_outbox_published_total", "Outbox events published to Kafka", ["service", "topic"])
FAILURES = Counter(
    "sirbi_outbox_failures_total", "Relay cycles that failed and were retried", ["service", "topic"]
)
PENDING = Gauge("sirbi_outbox_pending", "Outbox rows not yet published", ["service", "topic"])
DELAY = Histogram(
    "sirbi_outbox_publish_delay_seconds",
    "From the event's transaction to its acknowledgement by Kafka",
    ["service", "topic"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

_CLAIM = """
SELECT id, partition_key, headers::text AS headers, data::text AS data, created_at
FROM outbox
WHERE published_at IS NULL AND topic = $2
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED
"""
_MARK = "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])"
_PENDING = "SELECT count(*) FROM outbox WHERE published_at IS NULL AND topic = $1"
_PURGE = """
DELETE FROM outbox WHERE id IN (
  SELECT id FROM outbox WHERE published_at < $1 AND topic = $2 ORDER BY id LIMIT 10000
)
"""
# Advisory locks are per database: one active relay per (service database, topic).
_LEADER_LOCK = "SELECT pg_try_advisory_lock(hashtext('sirbi.outbox.relay:' || $1))"
# Sent outside any writing transaction: a transaction that only notifies waits for no WAL flush,
# so it holds PostgreSQL's notify lock for an instant, and writers, which never notify, never wait.
_WAKE_LEADER = "SELECT pg_notify($1, $2)"


@dataclass
class RelayStats:
    published: int = 0
    failures: int = 0
    batches: int = 0


ProducerFactory = Callable[[], AIOKafkaProducer]


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        topic: str,
        dsn: str,
        bootstrap_servers: str,
        kafka_topic: str | None = None,
        batch_size: int = 2000,
        idle_wakeup: float = 5.0,
        keep_published: timedelta = timedelta(days=7),
        producer_factory: ProducerFactory | None = None,
    ) -> None:
        self.service = service
        self.topic = topic  # the outbox rows' topic: this relay's lane
        self.kafka_topic = kafka_topic or topic  # where they are published (a prefix may apply)
        self.dsn = dsn
        self.bootstrap_servers = bootstrap_servers
        self.batch_size = batch_size
        self.idle_wakeup = idle_wakeup
        self.keep_published = keep_published
        self._producer_factory = producer_factory or self._default_producer
        self.stats = RelayStats()
        self.is_leader = False
        self._wake = asyncio.Event()
        self._last_housekeeping = 0.0
        self._partitioner = DefaultPartitioner()

    def _default_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"sirbi-{self.service}-outbox-{self.topic}",
            enable_idempotence=True,  # retries cannot duplicate or reorder within a partition
            acks="all",
            linger_ms=1,
            max_batch_size=512 * 1024,
            request_timeout_ms=10_000,
            metadata_max_age_ms=60_000,
        )

    # -- lifecycle --------------------------------------------------------------------------

    async def run(self) -> None:
        """Run until cancelled, reconnecting to PostgreSQL and Kafka with back-off."""
        lane = Lane.of(make_url(self.dsn), self.topic)
        # Registered before the first drain: a commit either lands before it or wakes us.
        running_relays.register(lane, self)
        try:
            await keep_running(
                self._run_connected,
                what=f"{self.service} outbox relay for {self.topic}",
                log=log,
                on_failure=self._failed,
            )
        finally:
            running_relays.unregister(lane, self)

    def _failed(self, _: Exception) -> None:
        self.is_leader = False
        self.stats.failures += 1
        FAILURES.labels(self.service, self.topic).inc()

    async def _run_connected(self, backoff: Backoff) -> None:
        connection: asyncpg.Connection = await asyncpg.connect(
            self.dsn,
            timeout=10,
            server_settings={
                "application_name": f"sirbi-{self.service}-relay-{self.topic}"[:63],
                # After a bulk write the statistics lag behind, and the planner would bitmap-scan
                # and sort every waiting row for each batch; walking the index in id order and
                # stopping at the batch size is right whatever the backlog.
                "enable_bitmapscan": "off",
                # Marks commit without waiting for their WAL flush: a mark lost in a crash only
                # means its rows are published again, which consumers' inboxes skip (at least once
                # either way), and the disk gets one flush to wait for per batch fewer.
                "synchronous_commit": "off",
            },
        )
        try:
            await self._become_leader(connection)
            await connection.add_listener(OUTBOX_CHANNEL, self._on_notify)
            producer = self._producer_factory()
            await producer.start()
            try:
                self._wake.set()  # drain whatever waited while we were away
                while True:
                    await self._woken(within=self.idle_wakeup)
                    await self._drain(connection, producer)
                    backoff.reset()
                    await self._housekeeping(connection)
            finally:
                # Bounded: a stop that waits on Kafka for ever must not hang the service's shutdown.
                # Anything unsent stays unpublished in the outbox and goes out next time.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(producer.stop(), timeout=10)
        finally:
            self.is_leader = False
            await connection.close(timeout=5)

    async def _become_leader(self, connection: asyncpg.Connection) -> None:
        announced = False
        while not await connection.fetchval(_LEADER_LOCK, self.topic):
            if not announced:
                log.info("another outbox relay is active; standing by", extra={"topic": self.topic})
                announced = True
            if await self._woken(within=2.0):
                # A commit in this process wrote rows the leader, in another process, must publish.
                await connection.execute(_WAKE_LEADER, OUTBOX_CHANNEL, self.topic)
        self.is_leader = True

    def _on_notify(self, _connection: asyncpg.Connection, _pid: int, _channel: str, topic: str) -> None:
        if topic == self.topic:  # one channel for every lane of the database
            self._wake.set()

    def wake(self) -> None:
        """Ask for an immediate drain (a commit that wrote this lane's rows does, through `wakeups`)."""
        self._wake.set()

    async def _woken(self, *, within: float) -> bool:
        """Wait for a wake-up, at most `within` seconds; say whether one came."""
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=within)
        except TimeoutError:
            return False
        finally:
            # Cleared before acting on it: a commit that lands meanwhile wakes us again.
            self._wake.clear()
        return True

    # -- publishing -------------------------------------------------------------------------

    async def _drain(self, connection: asyncpg.Connection, producer: AIOKafkaProducer) -> None:
        while await self.publish_batch(connection, producer) == self.batch_size:
            pass

    async def publish_batch(self, connection: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish up to one batch; rows are marked only once Kafka acknowledged every one."""
        async with connection.transaction():
            rows = await connection.fetch(_CLAIM, self.batch_size, self.topic)
            if not rows:
                return 0
            deliveries = await self._send(producer, rows)
            await asyncio.wait_for(asyncio.gather(*deliveries), timeout=60)
            await connection.execute(_MARK, [row["id"] for row in rows])
        now = datetime.now(UTC)
        delay = DELAY.labels(self.service, self.topic)
        for row in rows:
            delay.observe((now - row["created_at"]).total_seconds())
        PUBLISHED.labels(self.service, self.topic).inc(len(rows))
        self.stats.published += len(rows)
        self.stats.batches += 1
        return len(rows)

    async def _send(self, producer: AIOKafkaProducer, rows: list[asyncpg.Record]) -> list[Awaitable[Any]]:
        """Hand the rows to Kafka as one record batch per partition, keeping their order.

        Building batches ourselves costs a fraction of one `send()` per record. Partitions are
        chosen by Kafka's default partitioner (murmur2 of the key), as any other client would.
        """
        topic = self.kafka_topic
        partitions = sorted(await producer.partitions_for(topic))
        by_partition: dict[int, list[tuple[bytes | None, asyncpg.Record]]] = {}
        for row in rows:
            key = row["partition_key"].encode() if row["partition_key"] is not None else None
            by_partition.setdefault(self._partitioner(key, partitions, partitions), []).append((key, row))
        deliveries: list[Awaitable[Any]] = []
        for partition, keyed_rows in by_partition.items():
            batch = producer.create_batch()
            async for key, row in in_turns(keyed_rows):  # a big batch must not stall other lanes
                record = {
                    "key": key,
                    "value": row["data"].encode(),
                    "timestamp": None,
                    "headers": [(name, value.encode()) for name, value in json.loads(row["headers"]).items()],
                }
                if batch.append(**record) is None:  # full: send it and start the next one
                    deliveries.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = producer.create_batch()
                    batch.append(**record)
            deliveries.append(await producer.send_batch(batch, topic, partition=partition))
        return deliveries

    async def _housekeeping(self, connection: asyncpg.Connection) -> None:
        """At most once a second: the backlog gauge; hourly: forget rows published long ago."""
        now = time.monotonic()
        if now - self._last_housekeeping < 1.0:
            return
        hourly = int(now // 3600) != int(self._last_housekeeping // 3600)
        self._last_housekeeping = now
        PENDING.labels(self.service, self.topic).set(await connection.fetchval(_PENDING, self.topic))
        if hourly:
            await connection.execute(_PURGE, datetime.now(UTC) - self.keep_published, self.topic)
