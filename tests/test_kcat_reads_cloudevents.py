"""An outside client — Debian's kcat, not our code — sees our topics and reads valid CloudEvents."""

from __future__ import annotations

import json
import shutil
import subprocess

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from sirbi_shared.db import Database
from sirbi_shared.outbox import OutboxRelay
from tests.support.infra import Infrastructure
from tests.support.probe import ProbeStream, running, wait_until


async def test_kcat_lists_the_topics_and_reads_an_event_with_cloudevents_headers(
    infra: Infrastructure, database: Database, probe: ProbeStream
) -> None:
    kcat = shutil.which("kcat")
    assert kcat, "kcat is installed by `make test` (Debian package kcat)"
    relay = OutboxRelay(
        service="test",
        topic=probe.stream.topic,
        dsn=database.asyncpg_dsn,
        bootstrap_servers=infra.kafka_bootstrap,
    )
    async with running(relay.run()):
        async with database.transaction() as session:
            written = await probe.outbox.add(session, probe.event(42, "desde kcat"), aggregate_id="CO")
        await wait_until(lambda: _published(relay), what="the event on the topic")

    listing = subprocess.run(
        [kcat, "-b", infra.kafka_bootstrap, "-L", "-J"], capture_output=True, text=True, check=True
    )
    topics = {t["topic"] for t in json.loads(listing.stdout)["topics"]}
    assert {probe.stream.topic, probe.stream.dead_letter_topic} <= topics

    read = subprocess.run(
        [
            kcat,
            "-b",
            infra.kafka_bootstrap,
            "-C",
            "-t",
            probe.stream.topic,
            "-o",
            "beginning",
            "-c",
            "1",
            "-e",
            "-J",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    record = json.loads(read.stdout.strip().splitlines()[0])
    # kcat prints headers as a flat [name, value, name, value, ...] list.
    flat = record["headers"]
    headers = {flat[i]: flat[i + 1].encode() for i in range(0, len(flat), 2)}
    assert {
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_subject",
        "content-type",
    } <= set(headers)

    event = from_binary_event(
        KafkaMessage(headers=headers, key=record["key"], value=record["payload"].encode())
    )
    assert event.get_specversion() == "1.0"
    assert event.get_id() == written.id
    assert event.get_type() == probe.recorded.event_type
    assert event.get_extension("partitionkey") == "CO"
    assert event.get_data() == {"seq": 42, "note": "desde kcat"}


async def _published(relay: OutboxRelay) -> bool:
    return relay.stats.published >= 1
