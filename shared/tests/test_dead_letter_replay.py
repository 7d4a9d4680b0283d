"""R4's second half: once the cause of a dead letter is fixed, the documented command
(`python -m sirbi_<service> replay-dead-letters TOPIC`) sends it back onto its topic and the
consumer applies it; each letter goes back once, and sending all again has no second effect."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.backoff import Backoff
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.inbox.replay import replay_dead_letters
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, effect_seqs, record_effect, running, wait_until


async def _replay_command(infra: Infrastructure, topic: str) -> str:
    """The command as the operations guide gives it, run by a service's own CLI."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sirbi_members",
        "replay-dead-letters",
        topic,
        env={
            **os.environ,
            "SIRBI_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
            "SIRBI_KAFKA_TOPIC_PREFIX": "",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_a_dead_letter_replayed_after_the_fix_is_applied_once(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    topic = probe.stream.topic
    consumer = EventConsumer(
        name=f"replay-{uuid.uuid4().hex[:8]}",
        database=database,
        bootstrap_servers=infra.kafka_bootstrap,
        topics=[topic],
        max_attempts=2,
        retry_backoff=Backoff(initial=0.01, maximum=0.05),
    )
    fixed = False

    @consumer.on_payload(probe.recorded)
    async def apply(payload: object, event: CloudEvent, session: AsyncSession) -> None:
        if event.data["seq"] == 2 and not fixed:
            raise RuntimeError("event 2 cannot be applied until the fix")
        await record_effect(event, session)

    relay = OutboxRelay(
        service="test", topic=topic, dsn=database.asyncpg_dsn, bootstrap_servers=infra.kafka_bootstrap
    )
    async with running(relay.run(), consumer.run()):
        async with database.transaction() as session:
            for seq in (1, 2, 3):
                await probe.outbox.add(session, probe.event(seq), aggregate_id="agg")
        await wait_until(lambda: _applied(database, [1, 3]), what="the events around the failing one")
        assert consumer.stats.dead_lettered == 1

        # Asking for another consumer's letters passes this one over, and leaves it to replay.
        other = await replay_dead_letters(infra.kafka_bootstrap, topic, consumer="another-consumer")
        assert (other.replayed, other.passed_over) == (0, 1)

        fixed = True  # the cause is mended (a new release of the consumer, say)
        output = await _replay_command(infra, topic)
        assert "replayed 1 dead letters" in output
        await wait_until(lambda: _applied(database, [1, 2, 3]), what="the replayed event")

        # Run again: the replayer kept its place, so nothing goes back twice.
        again = await replay_dead_letters(infra.kafka_bootstrap, topic)
        assert again.replayed == 0
        # Everything again, on purpose: the consumer's inbox has the event, so no second effect.
        everything = await replay_dead_letters(infra.kafka_bootstrap, topic, from_beginning=True)
        assert everything.replayed == 1
        await wait_until(lambda: _skipped(consumer, 1), what="the second replay to be skipped")

    # Each effect once, event 2's after the replay.
    assert await effect_seqs(database) == [1, 3, 2]
    assert consumer.stats.dead_lettered == 1


async def test_a_stream_that_never_failed_has_nothing_to_replay(
    infra: Infrastructure, probe: ProbeStream
) -> None:
    report = await replay_dead_letters(infra.kafka_bootstrap, probe.stream.topic)
    assert (report.replayed, report.passed_over) == (0, 0)


async def _applied(database: Database, seqs: list[int]) -> bool:
    return sorted(await effect_seqs(database)) == seqs


async def _skipped(consumer: EventConsumer, count: int) -> bool:
    return consumer.stats.duplicates >= count
