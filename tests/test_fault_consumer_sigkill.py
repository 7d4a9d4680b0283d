"""A consumer process killed with SIGKILL mid-stream and started again: no effect twice, no gap.

The stream has one partition and the consumer commits offsets after each fetched batch, so the
kill always lands after some effects committed but before their offsets did: the restarted
consumer is handed those events again and its inbox must skip them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid

import pytest

from sirbi_shared.db import Database
from sirbi_shared.events.topics import ensure_topics
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import effect_seqs, new_probe_stream, running, wait_until

pytestmark = pytest.mark.fault

EVENTS = 400


def _consumer_process(
    infra: Infrastructure, database_name: str, topic: str, group: str, event_type: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.consumer_process",
            "--bootstrap",
            infra.kafka_bootstrap,
            "--database-url",
            infra.postgres_url(database_name),
            "--topic",
            topic,
            "--group",
            group,
            "--event-type",
            event_type,
            "--expect",
            str(EVENTS),
            "--delay-ms",
            "10",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )


async def test_a_killed_consumer_resumes_without_duplicates_or_gaps(
    infra: Infrastructure, database: Database, database_name: str
) -> None:
    probe = new_probe_stream(partitions=1)
    await ensure_topics(infra.kafka_bootstrap, probe.stream.topics())
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    async with running(relay.run()):
        async with database.transaction() as session:
            for seq in range(EVENTS):
                await probe.outbox.add(session, probe.event(seq), aggregate_id=f"agg-{seq % 13}")
        await wait_until(lambda: _published(relay), what="all events on the topic")

    group = f"sigkill-{uuid.uuid4().hex[:8]}"
    args = (infra, database_name, probe.stream.topic, group, probe.recorded.event_type)
    first = _consumer_process(*args)
    try:
        await wait_until(
            lambda: _count_at_least(database, EVENTS // 3), timeout=120, what="the first consumer mid-stream"
        )
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    applied_before_kill = len(await effect_seqs(database))
    assert applied_before_kill < EVENTS, "the kill must land mid-stream"

    second = _consumer_process(*args)
    stdout, _ = await asyncio.to_thread(second.communicate, timeout=180)
    assert second.returncode == 0
    stats = json.loads(stdout.strip().splitlines()[-1])

    seqs = await effect_seqs(database)
    assert len(seqs) == EVENTS, "no effect twice"
    assert sorted(seqs) == list(range(EVENTS)), "no gap"
    assert stats["duplicates"] > 0, "the restarted consumer was handed applied events again and skipped them"
    assert stats["processed"] == EVENTS - applied_before_kill


async def _published(relay: OutboxRelay) -> bool:
    return relay.stats.published >= EVENTS


async def _count_at_least(database: Database, n: int) -> bool:
    return len(await effect_seqs(database)) >= n
