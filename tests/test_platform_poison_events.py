"""R4 with every service's consumers: poison records on each stream the platform consumes.

Onto every partition of each consumed stream (members, directory, agreements, roadmap; nobody
consumes `sirbi.gateway.v1`) go four records: broken JSON without CloudEvent headers, an event of
a type the stream does not have, a known type in version 9, and a known type whose data fails the
payload model. What `sirbi_shared.inbox.consumer` documents, per consumer:

- broken JSON: dead-lettered by every consumer of the topic (`EnvelopeError`, attempts 0);
- an unknown type: *skipped* by the consumers with handlers per type (agreements, roadmap: not
  their business) and filed by the gateway, whose catch-all handler files every platform event;
- version 9 of a type a consumer handles: dead-lettered (`UnknownEventType`, "version not
  handled") by agreements and roadmap; filed by the gateway's catch-all;
- bad data: dead-lettered at once (`ValidationError`, attempts 1) by agreements and roadmap; the
  gateway has no payload model, but its handler refuses a record state whose version is not a
  whole number (`PermanentEventError`, attempts 1): the case of a handler that fails permanently
  for an event it could parse.

Since the poison sits on every partition, the real changes made afterwards through the gateway
(a network, a library, an agreement naming the network, an action) come after it wherever they
land: the agreements replica learns the network, the roadmap consumer moves past its topics and
the gateway's feed files them. Then the documented replay command sends the members stream's
letters back, one copy per record however many consumers dead-lettered it: they are still poison,
so each consumer dead-letters its copy once again, the gateway's inbox skips what it had filed,
and every service stays ready.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from sirbi_shared.events import CloudEvent
from tests.support.whole_platform import RunningPlatform

T = TypeVar("T")

DEADLINE_S = 30.0
AGREEMENTS = "agreements-member-facts"
ROADMAP = "roadmap-reactions"
GATEWAY = "gateway-events"


@dataclass(frozen=True)
class Poison:
    """One poison record as sent: which kind, where, and who must dead-letter it with what."""

    kind: str  # broken, unknown_type, wrong_version, bad_data
    topic: str  # the logical stream
    partition: int
    key: bytes
    event_id: str | None  # None for the broken record (it has no envelope)
    # consumer name → (sirbi_dlq_error_type, a fragment of sirbi_dlq_error, sirbi_dlq_attempts)
    dead_letters: dict[str, tuple[str, str, str]]
    filed_by_gateway: bool


@dataclass(frozen=True)
class Letter:
    offset: int
    key: bytes | None
    headers: dict[str, str]


@dataclass(frozen=True)
class Poisoned:
    started: datetime
    records: list[Poison]


# Per stream: a known type, the consumers of the topic that handle that type, data that fails
# its payload model, and the consumers that do not handle the type at all.
_STREAMS: dict[str, dict[str, Any]] = {
    "sirbi.members.v1": {
        "service": "members",
        "known": "org.sirbi.members.memberstate.withdrawn",
        "typed": (AGREEMENTS, ROADMAP),
        "bad_data": {"member_state": {"code": "ZZ", "version": "one"}},
    },
    "sirbi.directory.v1": {
        "service": "members",
        "known": "org.sirbi.members.library.updated",
        "typed": (),
        "bad_data": {"library": {"id": "not-a-uuid", "version": "one"}},
    },
    "sirbi.agreements.v1": {
        "service": "agreements",
        "known": "org.sirbi.agreements.agreement.entered_into_force",
        "typed": (ROADMAP,),
        "bad_data": {"agreement": {"id": "not-a-uuid", "version": "one"}},
    },
    "sirbi.roadmap.v1": {
        "service": "roadmap",
        "known": "org.sirbi.roadmap.action.updated",
        "typed": (),
        "bad_data": {"action": {"id": "not-a-uuid", "version": "one"}},
    },
}


async def _until(check: Callable[[], Awaitable[T | None]], what: str, deadline_s: float = DEADLINE_S) -> T:
    deadline = time.monotonic() + deadline_s
    while True:
        found = await check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


def _poisons_of(topic: str, partition: int, tag: str) -> list[tuple[Poison, list[tuple[str, bytes]], bytes]]:
    """The four poison records for one partition: (what is expected, headers, value)."""
    spec = _STREAMS[topic]
    typed: tuple[str, ...] = spec["typed"]
    source = f"/sirbi/{spec['service']}"
    made: list[tuple[Poison, list[tuple[str, bytes]], bytes]] = []

    def key(kind: str) -> bytes:
        return f"r4-{tag}-{kind}-{partition}".encode()

    made.append(
        (
            Poison(
                kind="broken",
                topic=topic,
                partition=partition,
                key=key("broken"),
                event_id=None,
                dead_letters=dict.fromkeys(
                    (*_all_consumers(topic),), ("EnvelopeError", "missing ce_id", "0")
                ),
                filed_by_gateway=False,
            ),
            [],
            b'\x00{"not": json',
        )
    )

    def envelope(
        kind: str, event_type: str, data: dict[str, Any]
    ) -> tuple[CloudEvent, list[tuple[str, bytes]]]:
        event = CloudEvent(
            source=source,
            type=event_type,
            subject=f"r4-{tag}-{kind}",
            data=data,
            extensions={"partitionkey": key(kind).decode()},
        )
        return event, event.kafka_headers()

    unknown, headers = envelope("unknown_type", f"org.sirbi.{spec['service']}.poison.noticed.v1", {})
    made.append(
        (
            Poison("unknown_type", topic, partition, key("unknown_type"), unknown.id, {}, True),
            headers,
            unknown.kafka_value(),
        )
    )
    wrong, headers = envelope("wrong_version", f"{spec['known']}.v9", {})
    made.append(
        (
            Poison(
                "wrong_version",
                topic,
                partition,
                key("wrong_version"),
                wrong.id,
                dict.fromkeys(typed, ("UnknownEventType", "version not handled", "0")),
                True,
            ),
            headers,
            wrong.kafka_value(),
        )
    )
    bad, headers = envelope("bad_data", f"{spec['known']}.v1", spec["bad_data"])
    made.append(
        (
            Poison(
                "bad_data",
                topic,
                partition,
                key("bad_data"),
                bad.id,
                {
                    **dict.fromkeys(typed, ("ValidationError", "validation error", "1")),
                    GATEWAY: ("PermanentEventError", "not a whole number", "1"),
                },
                False,
            ),
            headers,
            bad.kafka_value(),
        )
    )
    return made


def _all_consumers(topic: str) -> tuple[str, ...]:
    """Every consumer of the topic (grep EventConsumer in the services)."""
    return {
        "sirbi.members.v1": (AGREEMENTS, ROADMAP, GATEWAY),
        "sirbi.directory.v1": (GATEWAY,),
        "sirbi.agreements.v1": (ROADMAP, GATEWAY),
        "sirbi.roadmap.v1": (GATEWAY,),
    }[topic]


async def _letters(platform: RunningPlatform, topic: str) -> list[Letter]:
    """Everything in the topic's dead-letter topic so far (it has one partition)."""
    reader = AIOKafkaConsumer(bootstrap_servers=platform.kafka_bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        partition = TopicPartition(platform.topic_prefix + topic + ".dlq", 0)
        reader.assign([partition])
        await reader.seek_to_beginning(partition)
        end = (await reader.end_offsets([partition]))[partition]
        letters: list[Letter] = []
        while await reader.position(partition) < end:
            for records in (await reader.getmany(partition, timeout_ms=1000)).values():
                letters.extend(
                    Letter(r.offset, r.key, {k: v.decode(errors="replace") for k, v in r.headers})
                    for r in records
                )
        return letters
    finally:
        await reader.stop()


def _by_poison(letters: list[Letter], poisons: list[Poison]) -> dict[tuple[bytes, str], list[Letter]]:
    keys = {p.key for p in poisons}
    found: dict[tuple[bytes, str], list[Letter]] = {}
    for letter in letters:
        if letter.key in keys:
            found.setdefault((letter.key, letter.headers["sirbi_dlq_consumer"]), []).append(letter)
    return found


async def _all_dead_lettered(
    platform: RunningPlatform, topic: str, poisons: list[Poison], after: int = -1
) -> dict[tuple[bytes, str], list[Letter]] | None:
    """The poisons' letters (at offsets past `after`), once each expected one is there."""
    found = _by_poison([x for x in await _letters(platform, topic) if x.offset > after], poisons)
    expected = {(p.key, c) for p in poisons for c in p.dead_letters}
    return found if expected <= set(found) else None


@pytest.fixture(scope="module")
async def api(whole_platform: RunningPlatform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30) as client:
        response = await client.post(
            "/api/auth/login",
            json={"email": whole_platform.secretariat_email, "password": whole_platform.secretariat_password},
        )
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client


@pytest.fixture(scope="module")
async def poisoned(whole_platform: RunningPlatform) -> Poisoned:
    """The poison records, sent once for the module onto every partition of each consumed topic."""
    tag = uuid.uuid4().hex[:6]
    started = datetime.now(UTC)
    producer = AIOKafkaProducer(bootstrap_servers=whole_platform.kafka_bootstrap)
    await producer.start()
    records: list[Poison] = []
    try:
        for topic in _STREAMS:
            physical = whole_platform.topic_prefix + topic
            for partition in sorted(await producer.partitions_for(physical)):
                for poison, headers, value in _poisons_of(topic, partition, tag):
                    await producer.send_and_wait(
                        physical, value, key=poison.key, headers=headers, partition=partition
                    )
                    records.append(poison)
    finally:
        await producer.stop()
    return Poisoned(started, records)


async def test_each_consumer_dead_letters_the_poison_with_its_reason(
    whole_platform: RunningPlatform, poisoned: Poisoned
) -> None:
    for topic in _STREAMS:
        poisons = [p for p in poisoned.records if p.topic == topic]
        found = await _until(
            partial(_all_dead_lettered, whole_platform, topic, poisons), f"the dead letters of {topic}"
        )
        for poison in poisons:
            consumers = {c for (key, c) in found if key == poison.key}
            # Only the consumers the code says: an unknown type is skipped or filed, never a letter.
            assert consumers == set(poison.dead_letters), (topic, poison.kind, consumers)
            for consumer, (error_type, error, attempts) in poison.dead_letters.items():
                letters = found[(poison.key, consumer)]
                # Dead letters are at least once (ADR 0003): a consumer that loses its partition
                # between writing a letter and committing the offset writes it again. Every letter
                # must still be of this one record.
                sources = {
                    (h["sirbi_dlq_partition"], h["sirbi_dlq_offset"]) for h in (x.headers for x in letters)
                }
                assert len(sources) == 1, (topic, poison.kind, consumer, sources)
                headers = letters[0].headers
                assert headers["sirbi_dlq_consumer"] == consumer
                assert headers["sirbi_dlq_error_type"] == error_type, (topic, poison.kind, headers)
                assert error in headers["sirbi_dlq_error"], (topic, poison.kind, headers)
                assert headers["sirbi_dlq_attempts"] == attempts, (topic, poison.kind, headers)
                assert headers["sirbi_dlq_topic"] == whole_platform.topic_prefix + topic
                assert headers["sirbi_dlq_partition"] == str(poison.partition)
                if poison.event_id is not None:  # still a CloudEvent: it can be replayed
                    assert headers["ce_id"] == poison.event_id


async def _feed_since(api: httpx.AsyncClient, since: datetime) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"since": since.isoformat(), "limit": "200", **({"cursor": cursor} if cursor else {})}
        response = await api.get("/api/activity", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


_SKIPPED = re.compile(
    r'^sirbi_consumer_events_total\{consumer="roadmap-reactions",outcome="skipped"\} (\S+)$', re.M
)


async def _roadmap_skipped(platform: RunningPlatform) -> float:
    async with httpx.AsyncClient(base_url=platform.service_urls["roadmap"], timeout=10) as client:
        response = await client.get("/metrics")
        assert response.status_code == 200
        match = _SKIPPED.search(response.text)
        return float(match.group(1)) if match else 0.0


async def test_real_changes_after_the_poison_reach_every_service(
    whole_platform: RunningPlatform, poisoned: Poisoned, api: httpx.AsyncClient
) -> None:
    # Every consumer is past the poison of every partition before the changes are made.
    for topic in _STREAMS:
        poisons = [p for p in poisoned.records if p.topic == topic]
        await _until(partial(_all_dead_lettered, whole_platform, topic, poisons), f"the letters of {topic}")
    skipped_before = await _roadmap_skipped(whole_platform)
    tag = uuid.uuid4().hex[:6]

    name = f"Red de bibliotecas tras el veneno {tag}"
    network = _created(
        await api.post(
            "/api/members/networks",
            json={
                "country": "PE",
                "kind": "popular",
                "official_name": name,
                "governing_entity": "Ministerio",
            },
        )
    )
    library = _created(
        await api.post(
            "/api/members/libraries",
            json={"country": "PE", "name": f"Biblioteca tras el veneno {tag}", "national_id": f"R4-{tag}"},
        )
    )
    action = _created(
        await api.post(
            "/api/roadmap/actions",
            json={"title": f"Acción tras el veneno {tag}", "start_date": "2026-01-01", "lead_country": "PE"},
        )
    )
    draft = {
        "code": f"R4-{tag}",
        "title": f"Convenio con la red {tag}",
        "objectives": "Probar que el réplica de redes sigue al día.",
        "type": "bilateral",
        "areas": ["training"],
        "parties": [{"kind": "network", "ref": network["id"]}, {"kind": "member_state", "ref": "CO"}],
        "start_date": "2026-01-01",
    }

    async def drafted() -> dict[str, Any] | None:
        # 422 unknown_party until the agreements service's replica has the new network.
        response = await api.post("/api/agreements/agreements", json=draft)
        if response.status_code == 422 and response.json().get("code") == "unknown_party":
            return None
        return _created(response)

    agreement = await _until(drafted, "the agreements replica to learn the network")
    assert {p["ref"]: p["name"] for p in agreement["parties"]}[network["id"]] == name

    async def filed() -> list[dict[str, Any]] | None:
        items = await _feed_since(api, poisoned.started)
        subjects = {item["subject"] for item in items}
        wanted = {network["id"], library["id"], action["id"], agreement["id"]}
        return items if wanted <= subjects else None

    items = await _until(filed, "the gateway's feed to file the changes")
    # The gateway's catch-all files the unknown types and the other versions, once each.
    filed_ids = Counter(item["event_id"] for item in items)
    for poison in poisoned.records:
        if poison.filed_by_gateway:
            assert filed_ids[poison.event_id] == 1, (poison.topic, poison.kind)
        elif poison.event_id is not None:
            assert filed_ids[poison.event_id] == 0, (poison.topic, poison.kind)

    # The roadmap's consumer skips a network's and a draft's events (not its business): it
    # counts them once it has read past the poison of their partitions.
    async def roadmap_moved_on() -> float | None:
        skipped = await _roadmap_skipped(whole_platform)
        return skipped if skipped >= skipped_before + 2 else None

    await _until(roadmap_moved_on, "the roadmap consumer to read past the poison")


async def _send_broken_everywhere(platform: RunningPlatform, topic: str, tag: str) -> list[Poison]:
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap)
    await producer.start()
    sent: list[Poison] = []
    try:
        physical = platform.topic_prefix + topic
        for partition in sorted(await producer.partitions_for(physical)):
            poison, headers, value = _poisons_of(topic, partition, tag)[0]
            await producer.send_and_wait(
                physical, value, key=poison.key, headers=headers, partition=partition
            )
            sent.append(poison)
    finally:
        await producer.stop()
    return sent


async def _replay(platform: RunningPlatform, topic: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sirbi_members",
        "replay-dead-letters",
        topic,
        env={
            **os.environ,
            "SIRBI_KAFKA_BOOTSTRAP_SERVERS": platform.kafka_bootstrap,
            "SIRBI_KAFKA_TOPIC_PREFIX": platform.topic_prefix,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def test_replayed_poison_is_dead_lettered_again_and_harms_nothing(
    whole_platform: RunningPlatform, poisoned: Poisoned, api: httpx.AsyncClient
) -> None:
    topic = "sirbi.members.v1"
    poisons = [p for p in poisoned.records if p.topic == topic]
    await _until(partial(_all_dead_lettered, whole_platform, topic, poisons), "the first letters")
    before = await _letters(whole_platform, topic)
    last = max(letter.offset for letter in before)

    output = await _replay(whole_platform, topic)
    # One copy per record, however many consumers dead-lettered it (the rest: already sent).
    records = {p.key for p in poisons if p.dead_letters}
    assert f"replayed {len(records)} dead letters" in output, output
    assert f"{len(before) - len(records)} of records already sent back" in output, output

    # A broken record on every partition after the copies: once each consumer has dead-lettered
    # these, it has dealt with every copy before them, so the counts below are final.
    sentinels = await _send_broken_everywhere(whole_platform, topic, f"after-{uuid.uuid4().hex[:6]}")
    again = await _until(
        partial(_all_dead_lettered, whole_platform, topic, poisons + sentinels, after=last),
        "the replayed poison's letters",
    )
    for poison in poisons:
        for consumer, (error_type, _, _) in poison.dead_letters.items():
            letters = again[(poison.key, consumer)]
            # One letter of the one copy sent back (repeats of it allowed: at least once).
            assert {letter.headers["sirbi_dlq_error_type"] for letter in letters} == {error_type}
            assert len({letter.headers["sirbi_dlq_offset"] for letter in letters}) == 1, (
                poison.kind,
                letters,
            )
        assert {c for (key, c) in again if key == poison.key} == set(poison.dead_letters)

    # The gateway's inbox skipped the copies of what it had filed: still once each in the feed.
    items = await _feed_since(api, poisoned.started)
    filed_ids = Counter(item["event_id"] for item in items)
    for poison in poisons:
        if poison.filed_by_gateway:
            assert filed_ids[poison.event_id] == 1, poison.kind

    async with httpx.AsyncClient(timeout=10) as client:
        for name, url in whole_platform.service_urls.items():
            response = await client.get(f"{url}/health/ready")
            assert response.status_code == 200, (name, response.text)
    # And the gateway still answers through to the services.
    assert (await api.get("/api/members/networks", params={"limit": "1"})).status_code == 200
