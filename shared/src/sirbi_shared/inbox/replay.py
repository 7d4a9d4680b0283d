"""Replaying dead letters once their cause is fixed: each record of `<topic>.dlq` goes back onto
the topic it failed on, unchanged (key, value, CloudEvent headers; the `sirbi_dlq_*` headers
dropped). Consumers that had applied it skip it by its id (their inbox); the one that failed
applies it now, or dead-letters it again with the new error.

The replayer keeps its place in each dead-letter topic as a consumer group of its own (one per
consumer asked for), so every dead letter goes back once however often the command runs;
`from_beginning` sends all again.
It stops at the end the topic had when it started, so a letter that fails again is not replayed
in a loop. A record that several consumers dead-lettered goes back once per run, not once per
letter: every consumer of the topic reads the one copy, and a copy per letter made each of them
dead-letter a still-poisonous record once per consumer, run after run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from sirbi_shared.inbox.consumer import DLQ_SUFFIX

log = logging.getLogger(__name__)

_DLQ_HEADER = "sirbi_dlq_"


@dataclass
class ReplayReport:
    replayed: int = 0
    # Letters of another consumer than the one asked for: left where they are, passed over.
    passed_over: int = 0
    # Letters of a record already sent back in this run (another consumer's letter of it).
    already_sent: int = 0


def _record_of(headers: dict[str, bytes]) -> tuple[bytes, ...]:
    """What identifies the failed record: its event, or where it was if it is no CloudEvent."""
    if "ce_source" in headers and "ce_id" in headers:
        return (headers["ce_source"], headers["ce_id"])
    return tuple(headers.get(f"{_DLQ_HEADER}{name}", b"") for name in ("topic", "partition", "offset"))


def replay_group(topic: str, consumer: str | None) -> str:
    # A place per consumer asked for: letters passed over for one are still new for another.
    return f"sirbi-dlq-replay.{topic}.{consumer or '*'}"


async def replay_dead_letters(
    bootstrap_servers: str,
    topic: str,
    *,
    consumer: str | None = None,
    from_beginning: bool = False,
) -> ReplayReport:
    """Send `topic`'s dead letters (of `consumer` only, if given) back onto `topic`."""
    dead_letters = topic + DLQ_SUFFIX
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=replay_group(topic, consumer),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    writer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True, acks="all")
    report = ReplayReport()
    sent: set[tuple[bytes, ...]] = set()
    await reader.start()
    await writer.start()
    try:
        if dead_letters not in await reader.topics():  # asks the broker, so the metadata is fresh
            return report  # no dead-letter topic yet: nothing ever failed
        # The producer's look-up waits for the topic's metadata; the consumer's only reads its cache.
        numbers = await writer.partitions_for(dead_letters)
        partitions = [TopicPartition(dead_letters, number) for number in sorted(numbers)]
        reader.assign(partitions)
        if from_beginning:
            await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        remaining = {tp for tp in partitions if await reader.position(tp) < ends[tp]}
        while remaining:
            batches = await reader.getmany(*remaining, timeout_ms=1000)
            done: dict[TopicPartition, OffsetAndMetadata] = {}
            for tp, records in batches.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        break
                    headers = dict(record.headers)
                    if consumer is not None and headers.get("sirbi_dlq_consumer", b"").decode() != consumer:
                        report.passed_over += 1
                    elif (failed := _record_of(headers)) in sent:
                        report.already_sent += 1
                    else:
                        sent.add(failed)
                        original = headers.get("sirbi_dlq_topic", topic.encode()).decode()
                        kept = [(k, v) for k, v in record.headers if not k.startswith(_DLQ_HEADER)]
                        await writer.send(original, value=record.value, key=record.key, headers=kept)
                        report.replayed += 1
                    done[tp] = OffsetAndMetadata(record.offset + 1, "")
            # Written before the place is kept: a crash in between replays a letter twice, which
            # the consumers' inboxes absorb, rather than never.
            await writer.flush()
            if done:
                await reader.commit(done)
            remaining = {tp for tp in remaining if await reader.position(tp) < ends[tp]}
    finally:
        await writer.stop()
        await reader.stop()
    log.info(
        "dead letters replayed",
        extra={
            "topic": topic,
            "replayed": report.replayed,
            "passed_over": report.passed_over,
            "already_sent": report.already_sent,
        },
    )
    return report
