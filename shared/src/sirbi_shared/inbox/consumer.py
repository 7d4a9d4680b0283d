"""An at-least-once Kafka consumer whose effects happen exactly once.

For each record: parse the CloudEvent (a malformed one is dead-lettered at once), then in one
database transaction insert the inbox row (consumer, source, id) and run the handler. A redelivered
event finds its inbox row and is skipped, so a crash between the effect's commit and the offset
commit has no second effect. Offsets are committed only after the effects: at most once a
second, on revocation and on stop. A handler that keeps failing is retried with back-off a bounded
number of times, then its event goes to `<topic>.dlq` with the error in headers and the partition
moves on. Losing the database is not the event's fault: that is retried until the database is
back, never dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from prometheus_client import Counter, Gauge
from pydantic import ValidationError
from sqlalchemy import Result
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.backoff import Backoff, keep_running
from sirbi_shared.db import Database, lost_connection
from sirbi_shared.events.envelope import CloudEvent, EnvelopeError
from sirbi_shared.events.stream import EventPayload, UnknownEventType
from sirbi_shared.events.topics import TopicSpec, ensure_topics, wait_for_topics
from sirbi_shared.outbox.tables import inbox_table

log = logging.getLogger(__name__)

EVENTS = Counter("sirbi_consumer_events_total", "Events seen by consumers", ["consumer", "outcome"])
RETRIES = Counter(
    "sirbi_consumer_retries_total", "Handler attempts that failed and were retried", ["consumer"]
)
DEAD_LETTERS = Counter(
    "sirbi_consumer_dead_letters_total", "Events sent to a dead-letter topic", ["consumer", "topic"]
)
LAG = Gauge("sirbi_consumer_lag", "Records behind the partition's end", ["consumer", "topic", "partition"])

Handler = Callable[[CloudEvent, AsyncSession], Awaitable[None]]
BatchHandler = Callable[[Sequence[CloudEvent], AsyncSession], Awaitable[None]]
P = TypeVar("P", bound=EventPayload)

DLQ_SUFFIX = ".dlq"
# How long the broker may hold a fetch until FETCH_MIN_BYTES have come. While a bulk import floods
# another topic, the broker was seen answering fetches only at this limit even after new records
# arrived, so Kafka's 500 ms default became the latency of membership events (P3). With Kafka's
# 1-byte minimum, a steady stream was fetched an event or two at a time: every consumer sent
# hundreds of fetches a second under 300 writes/s, and they cost the consumers and the broker more
# than the events' own work (docs/performance.md). Waiting for 64 KiB (about a hundred events),
# but never more than 20 ms, caps that at 50 fetches a second per consumer, under load as when
# idle; with 4 KiB, 500 writes a second still made about a hundred fetches a second per consumer.
FETCH_MAX_WAIT_MS = 20
FETCH_MIN_BYTES = 65536
# Offsets are committed at most this often (and on revocation and stop). A commit per fetch was 50
# offset writes a second per consumer into `__consumer_offsets`, for nothing the inbox does not
# already guarantee: after a crash, up to this much is delivered again and skipped by the inbox.
OFFSET_COMMIT_INTERVAL = 1.0


# Built once, for one row or many (SQLAlchemy sends many as multi-row VALUES): a statement made per
# batch, its rows inlined, cost more to build and compile than to run.
_CLAIM = insert(inbox_table).on_conflict_do_nothing().returning(inbox_table.c.source, inbox_table.c.event_id)


class PermanentEventError(Exception):
    """Raised by a handler when retrying cannot help (e.g. a rule the event breaks): dead-letter now."""


@dataclass
class ConsumerStats:
    processed: int = 0
    duplicates: int = 0
    skipped: int = 0
    retries: int = 0
    dead_lettered: int = 0


def _is_infrastructure_failure(exc: BaseException) -> bool:
    """Database or network trouble: wait for it to pass instead of blaming the event."""
    return lost_connection(exc) or isinstance(exc, OSError | TimeoutError)


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        database: Database,
        bootstrap_servers: str,
        topics: Sequence[str],
        max_attempts: int = 5,
        retry_backoff: Backoff | None = None,
        max_records: int = 500,
        transaction_size: int = 100,
        replication_factor: int = 1,
    ) -> None:
        self.name = name
        self.database = database
        self.bootstrap_servers = bootstrap_servers
        self.topics = list(topics)
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff or Backoff(initial=0.1, maximum=5.0)
        self.max_records = max_records
        # Events applied per transaction (of every partition a fetch brought): a commit (and its
        # WAL flush) per event was most of a consumer's cost under load.
        self.transaction_size = transaction_size
        self.replication_factor = replication_factor
        self.stats = ConsumerStats()
        self._handlers: dict[str, Handler] = {}
        self._families: set[str] = set()  # the handled types without their version
        self._any: Handler | None = None
        # Handlers that take many events at once, by the one-event handler registered for them.
        self._batches: dict[Handler, BatchHandler] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq_producer: AIOKafkaProducer | None = None
        # Next offset to commit per partition: everything before it has had its effect.
        self._done: dict[TopicPartition, int] = {}
        self._committed: dict[TopicPartition, int] = {}
        self._next_commit = 0.0  # on the event loop's clock

    # -- handlers ---------------------------------------------------------------------------

    def on(self, event_type: str) -> Callable[[Handler], Handler]:
        """Register `async def handler(event, session)` for one event type (name with version)."""

        def register(handler: Handler) -> Handler:
            if event_type in self._handlers:
                raise ValueError(f"{self.name}: two handlers for {event_type}")
            self._handlers[event_type] = handler
            self._families.add(event_type.rsplit(".", 1)[0])
            return handler

        return register

    def on_any(self, handler: Handler) -> Handler:
        """Register the handler of every event type without a handler of its own, for consumers
        that file whatever a stream carries (a feed, an archive). Inbox, retries and dead letters
        work as for `on`; with it, no event is skipped and no version is "not handled"."""
        if self._any is not None:
            raise ValueError(f"{self.name}: two catch-all handlers")
        self._any = handler
        return handler

    def on_batch(self, event_type: str) -> Callable[[BatchHandler], BatchHandler]:
        """`on` for a handler that applies many events at once (one statement for all where a
        handler per event would run one each): it gets each run of consecutive fresh events of
        its type in a transaction, in order, and a list of one when events are applied one by
        one after a failure."""

        def register(handler: BatchHandler) -> BatchHandler:
            self._batches[self.on(event_type)(_one_at_a_time(handler))] = handler
            return handler

        return register

    def on_any_batch(self, handler: BatchHandler) -> BatchHandler:
        """`on_any` for a handler that files many events at once, as `on_batch` does."""
        self._batches[self.on_any(_one_at_a_time(handler))] = handler
        return handler

    def on_payload(
        self, payload: type[P]
    ) -> Callable[[Callable[[P, CloudEvent, AsyncSession], Awaitable[None]]], Handler]:
        """Register a handler that receives the validated payload model; invalid data is dead-lettered."""

        def register(typed: Callable[[P, CloudEvent, AsyncSession], Awaitable[None]]) -> Handler:
            async def handler(event: CloudEvent, session: AsyncSession) -> None:
                await typed(payload.model_validate(event.data), event, session)

            return self.on(payload.event_type)(handler)

        return register

    # -- lifecycle --------------------------------------------------------------------------

    async def run(self) -> None:
        """Consume until cancelled, reconnecting to Kafka with back-off."""
        await keep_running(self._run_connected, what=f"consumer {self.name}", log=log)

    async def _run_connected(self, backoff: Backoff) -> None:
        await ensure_topics(
            self.bootstrap_servers,
            [TopicSpec(t + DLQ_SUFFIX, 1, {"retention.ms": "-1"}) for t in self.topics],
            replication_factor=self.replication_factor,
        )
        await wait_for_topics(self.bootstrap_servers, self.topics)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.name,
            client_id=f"{self.name}-consumer",
            enable_auto_commit=False,
            auto_offset_reset="earliest",  # a new consumer group rebuilds from the start
            isolation_level="read_committed",
            max_poll_interval_ms=600_000,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            fetch_min_bytes=FETCH_MIN_BYTES,
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.name}-dlq",
            enable_idempotence=True,
            acks="all",
        )
        consumer.subscribe(self.topics, listener=_CommitOnRevoke(self))
        await consumer.start()
        try:
            await producer.start()
            self._consumer, self._dlq_producer = consumer, producer
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=self.max_records)
                await self._handle_fetched(consumer, batches)
                backoff.reset()
                self._report_lag(consumer)
        finally:
            with contextlib.suppress(Exception):  # a stop after losing Kafka has nothing to commit to
                await asyncio.wait_for(self._commit_done(consumer), timeout=5)
            self._consumer = self._dlq_producer = None
            self._done.clear()
            self._committed.clear()
            for stop in (producer.stop(), consumer.stop()):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop, timeout=10)  # a shutdown never hangs on Kafka

    async def _handle_fetched(
        self, consumer: AIOKafkaConsumer, batches: Mapping[TopicPartition, Sequence[Any]]
    ) -> None:
        """Apply what one fetch brought; commit the offsets done if a commit is due.

        The partitions' records go through the same transactions (each partition's in order): a
        transaction per partition and fetch left them at one or two events each under load, and
        the commit, the inbox statement and the offset commit were paid per event."""
        pending = [record for records in batches.values() for record in records]
        while pending:
            assigned = consumer.assignment()
            # Revoked meanwhile: the new owner takes over from what was committed.
            pending = [record for record in pending if _partition(record) in assigned]
            chunk, pending = pending[: self.transaction_size], pending[self.transaction_size :]
            if not chunk:
                break
            await self._handle_together(chunk)
            # A partition revoked while the chunk was applied is the new owner's now: progress noted
            # for it here would outlive the revocation (which forgot it) and be committed, stale,
            # should the partition come back to this consumer.
            assigned = consumer.assignment()
            for record in chunk:  # in offset order within each partition: the last one counts
                if (partition := _partition(record)) in assigned:
                    self._done[partition] = record.offset + 1
        now = asyncio.get_running_loop().time()
        if now >= self._next_commit:
            self._next_commit = now + OFFSET_COMMIT_INTERVAL
            await self._commit_done(consumer)

    async def _commit_done(self, consumer: AIOKafkaConsumer) -> None:
        """Commit, in one request, every assigned partition's progress not committed yet."""
        assigned = consumer.assignment()
        await self._commit(
            {
                tp: offset
                for tp, offset in self._done.items()
                if tp in assigned and self._committed.get(tp) != offset
            }
        )

    async def _commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        if not offsets or self._consumer is None:
            return
        try:
            await self._consumer.commit(dict(offsets))
        except (CommitFailedError, IllegalStateError) as exc:
            # The group rebalanced: the new owner re-reads these records and the inbox skips them.
            log.info("offset commit lost to a rebalance", extra={"consumer": self.name, "error": str(exc)})
        else:
            self._committed.update(offsets)

    def _report_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is None:
                continue
            position = self._done.get(tp)
            if position is None:
                continue
            LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(0, end - position))

    # -- the records of a fetch, each partition's in order -----------------------------------------

    async def _handle_together(self, records: Sequence[Any]) -> None:
        """Apply the records' events (each partition's in order) in one transaction: one commit,
        one inbox statement. If that fails for any reason but the database, each is applied again
        on its own, so only the event at fault is retried or dead-lettered."""
        ready = [applicable for record in records if (applicable := await self._prepare(record))]
        if len(ready) == 1:
            await self._apply(*ready[0])
            return
        waiting = Backoff(initial=0.5, maximum=10.0)
        while ready:
            try:
                applied = duplicates = 0
                async with self.database.transaction() as session:
                    fresh = await self._claim_all(session, [event for _, event, _ in ready])
                    run: list[CloudEvent] = []  # consecutive events for one batch handler
                    run_handler: Handler | None = None
                    for _, event, handler in ready:
                        if (event.source, event.id) not in fresh:
                            duplicates += 1
                            continue
                        fresh.remove((event.source, event.id))  # the same event twice in one batch
                        applied += 1
                        if handler is run_handler:
                            run.append(event)
                            continue
                        await self._apply_run(run_handler, run, session)
                        if handler in self._batches:
                            run_handler, run = handler, [event]
                            continue
                        run_handler, run = None, []
                        await handler(event, session)
                        # The next handler may read what this one wrote (sessions do not autoflush).
                        await session.flush()
                    await self._apply_run(run_handler, run, session)
                self._count("processed", applied)
                self._count("duplicates", duplicates)
                return
            except Exception as exc:
                if not _is_infrastructure_failure(exc):
                    break
                delay = waiting.next_delay()
                log.warning(
                    "database unavailable; waiting to apply events",
                    extra={"consumer": self.name, "events": len(ready), "retry_in_s": round(delay, 2)},
                )
                await asyncio.sleep(delay)
        for applicable in ready:
            await self._apply(*applicable)

    async def _apply_run(
        self, handler: Handler | None, events: list[CloudEvent], session: AsyncSession
    ) -> None:
        if handler is not None and events:
            await self._batches[handler](events, session)
            await session.flush()

    async def _prepare(self, record: Any) -> tuple[Any, CloudEvent, Handler] | None:
        """The record's event and its handler; None when there is nothing to apply (malformed or
        of an unhandled version: dead-lettered now; another consumer's type: skipped)."""
        if self._foreign(record):
            self._count("skipped")
            return None
        try:
            event = CloudEvent.from_kafka(record.headers, record.value, record.key)
        except EnvelopeError as exc:
            await self._dead_letter(record, exc, attempts=0)
            return None
        handler = self._handlers.get(event.type, self._any)
        if handler is None:  # a family of ours in a version it has no handler for
            await self._dead_letter(record, UnknownEventType(f"{event.type}: version not handled"), 0)
            return None
        return record, event, handler

    def _foreign(self, record: Any) -> bool:
        """Whether the record's type (read from its header, before parsing the rest) is another
        consumer's business: no handler for it nor for any version of its family. Skipping such
        records unparsed matters: a topic carries many types, and most consumers want few."""
        if self._any is not None:
            return False
        raw = next((value for name, value in record.headers if name == "ce_type"), None)
        if raw is None:
            return False  # not a CloudEvent: parsing says why, and it is dead-lettered
        event_type = raw.decode(errors="replace")
        return event_type not in self._handlers and event_type.rsplit(".", 1)[0] not in self._families

    # -- one record -------------------------------------------------------------------------

    async def _apply(self, record: Any, event: CloudEvent, handler: Handler) -> None:
        attempts = 0
        waiting = Backoff(initial=0.5, maximum=10.0)
        while True:
            try:
                async with self.database.transaction() as session:
                    if not await self._claim(session, event):
                        self._count("duplicates")
                        return
                    await handler(event, session)
                self._count("processed")
                return
            except (ValidationError, PermanentEventError, UnknownEventType) as exc:
                await self._dead_letter(record, exc, attempts + 1)
                return
            except Exception as exc:
                if _is_infrastructure_failure(exc):
                    delay = waiting.next_delay()
                    log.warning(
                        "database unavailable; waiting to apply event",
                        extra={"consumer": self.name, "event_id": event.id, "retry_in_s": round(delay, 2)},
                    )
                    await asyncio.sleep(delay)
                    continue
                attempts += 1
                if attempts >= self.max_attempts:
                    await self._dead_letter(record, exc, attempts)
                    return
                self.stats.retries += 1
                RETRIES.labels(self.name).inc()
                delay = Backoff(
                    self.retry_backoff.initial, self.retry_backoff.maximum, attempts - 1
                ).next_delay()
                log.info(
                    "handler failed; retrying",
                    extra={
                        "consumer": self.name,
                        "event_id": event.id,
                        "attempt": attempts,
                        "error": repr(exc),
                    },
                )
                await asyncio.sleep(delay)

    async def _claim_all(self, session: AsyncSession, events: Sequence[CloudEvent]) -> set[tuple[str, str]]:
        """Insert the events' inbox rows (one statement); the (source, id) of those not yet applied."""
        result = await session.execute(_CLAIM, [self._inbox_row(event) for event in events])
        return {(source, event_id) for source, event_id in result}

    async def _claim(self, session: AsyncSession, event: CloudEvent) -> bool:
        """Insert the inbox row; False if this consumer already applied the event."""
        result: Result[Any] = await session.execute(_CLAIM, self._inbox_row(event))
        return result.first() is not None

    def _inbox_row(self, event: CloudEvent) -> dict[str, str]:
        return {"consumer": self.name, "source": event.source, "event_id": event.id, "event_type": event.type}

    async def _dead_letter(self, record: Any, error: BaseException, attempts: int) -> None:
        topic = record.topic + DLQ_SUFFIX
        headers = [
            *((name, value) for name, value in record.headers if not name.startswith("sirbi_dlq_")),
            ("sirbi_dlq_error", str(error)[:4000].encode()),
            ("sirbi_dlq_error_type", type(error).__name__.encode()),
            ("sirbi_dlq_consumer", self.name.encode()),
            ("sirbi_dlq_topic", record.topic.encode()),
            ("sirbi_dlq_partition", str(record.partition).encode()),
            ("sirbi_dlq_offset", str(record.offset).encode()),
            ("sirbi_dlq_attempts", str(attempts).encode()),
            ("sirbi_dlq_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        backoff = Backoff(initial=0.5, maximum=10.0)
        while True:
            # The offset is not committed before the dead letter is stored: retry until it is.
            producer = self._dlq_producer
            if producer is None:
                raise RuntimeError("dead-letter producer is not running")
            try:
                await (await producer.send(topic, value=record.value, key=record.key, headers=headers))
                break
            except KafkaError as exc:
                log.warning(
                    "dead-letter publish failed; retrying", extra={"topic": topic, "error": repr(exc)}
                )
                await asyncio.sleep(backoff.next_delay())
        self.stats.dead_lettered += 1
        DEAD_LETTERS.labels(self.name, record.topic).inc()
        EVENTS.labels(self.name, "dead_lettered").inc()
        log.error(
            "event dead-lettered",
            extra={
                "consumer": self.name,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "error": str(error)[:500],
            },
        )

    def _count(self, outcome: str, n: int = 1) -> None:
        if n:
            setattr(self.stats, outcome, getattr(self.stats, outcome) + n)
            EVENTS.labels(self.name, outcome).inc(n)


def _one_at_a_time(handler: BatchHandler) -> Handler:
    async def one(event: CloudEvent, session: AsyncSession) -> None:
        await handler([event], session)

    return one


def _partition(record: Any) -> TopicPartition:
    return TopicPartition(record.topic, record.partition)


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commit what has had its effect before a partition moves to another consumer."""

    def __init__(self, owner: EventConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        done = {tp: offset for tp, offset in self.owner._done.items() if tp in revoked}
        await self.owner._commit(done)
        for tp in revoked:
            self.owner._done.pop(tp, None)
            self.owner._committed.pop(tp, None)
            # Its lag is the new owner's to report now; a stale figure here would mislead.
            with contextlib.suppress(KeyError):
                LAG.remove(self.owner.name, tp.topic, str(tp.partition))

    async def on_partitions_assigned(self, assigned: Any) -> None:
        return None
