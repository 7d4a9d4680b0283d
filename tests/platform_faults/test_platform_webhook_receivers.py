"""R8 at the platform level: webhook receivers down for minutes, or failing forever, while real
writes through the gateway keep making events. None is lost, retries back off, a subscription
whose endpoint keeps failing is disabled after the limit, and replay delivers the backlog again.

Two integrators' endpoints, real HTTP servers in this process, each subscribed through the
gateway's API to the network and roadmap-action events about Guatemala (no seeded record
concerns it, so every such event is one of this test's writes):

- `steady` is down for more than two minutes (answering 503, then not listening at all) and
  comes back: it gets every event, in order, each with a valid Standard Webhooks signature; the
  attempts it saw for its failing head are spaced at least as the retry schedule's jitter
  allows, and the delivery log shows them. Its failures span less than the disabling period,
  so it stays active.
- `broken` answers 500 from the start: after the limit the system disables its subscription
  (`subscription.disabled` on the gateway's topic, the reason, `system` in the history); events
  keep being queued for it, untried; once fixed and enabled it gets the whole backlog in order,
  and a replay since before the first write sends every kept event once more.

The oracle is the platform's Kafka topics: every event about a record this test wrote.
The platform is this test's own, with a compressed retry schedule.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sirbi_shared.events import CloudEvent
from tests.support.infra import Infrastructure
from tests.support.platform_traffic import signed_in
from tests.support.probe import wait_until
from tests.support.services import free_port
from tests.support.whole_platform import RunningPlatform, running_platform

pytestmark = pytest.mark.platform_fault

log = logging.getLogger(__name__)

# The gateway's retry schedule, compressed: after the n-th failed attempt a delivery waits
# min(CAP, INITIAL * FACTOR^(n-1)), drawn in the upper half of that (ADR 0013).
INITIAL_S = 1.0
FACTOR = 2.0
CAP_S = 16.0
# Disabled after this many failures in a row spanning at least this long. `steady` is down for
# OUTAGE_S < DISABLE_AFTER_S, so its failures can never span the period; `broken` fails past it.
DISABLE_AFTER_FAILURES = 5
DISABLE_AFTER_S = 150.0
OUTAGE_S = 125.0
SETTINGS = {
    "SIRBI_GATEWAY_WEBHOOK_RETRY_INITIAL_SECONDS": str(INITIAL_S),
    "SIRBI_GATEWAY_WEBHOOK_RETRY_FACTOR": str(FACTOR),
    "SIRBI_GATEWAY_WEBHOOK_RETRY_MAX_SECONDS": str(CAP_S),
    "SIRBI_GATEWAY_WEBHOOK_DISABLE_AFTER_FAILURES": str(DISABLE_AFTER_FAILURES),
    "SIRBI_GATEWAY_WEBHOOK_DISABLE_AFTER_SECONDS": str(DISABLE_AFTER_S),
    # Far beyond the test: nothing may be given up (marked failed) on the way.
    "SIRBI_GATEWAY_WEBHOOK_GIVE_UP_AFTER_SECONDS": "3600",
    "SIRBI_GATEWAY_WEBHOOK_POLL_SECONDS": "0.2",
    "SIRBI_GATEWAY_WEBHOOK_TIMEOUT_SECONDS": "5",
    # The receivers listen on 127.0.0.1 (allowed outside production; said explicitly here).
    "SIRBI_GATEWAY_WEBHOOK_PRIVATE_TARGETS": "true",
}
# 503 attempts `steady` answers on its head before it stops listening: six gaps, the last two
# at the cap.
BACKOFF_ATTEMPTS = 7
# The test measures gaps on its own monotonic clock, the gateway schedules on the wall clock.
CLOCK_SLACK_S = 0.02
COUNTRY = "GT"
EVENT_TYPES = ["org.sirbi.members.network.*", "org.sirbi.roadmap.action.*"]
WRITE_PACE_S = 2.5
# Writes made while `broken` is disabled: their deliveries must be queued, untried.
WRITES_WHILE_DISABLED = 3
SUBSCRIPTIONS = "/api/webhooks/subscriptions"
# Between reads of the gateway's API while waiting: far under its per-client limit (1200/minute),
# with the writer beside them.
POLL_S = 0.25
_REASON = re.compile(r"^endpoint failed (\d+) attempts in a row since (\S+); last: (.+)$")


@pytest.fixture
def platform(infra: Infrastructure, tmp_path: Path) -> Iterator[RunningPlatform]:
    with running_platform(infra, tmp_path, settings=SETTINGS) as running:
        yield running


# -- the integrators' endpoints --------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    at: float  # the test's monotonic clock, when the request had arrived
    message_id: str
    body: bytes
    answered: int
    event: dict[str, Any] | None  # the verified body; None if the signature did not verify

    @property
    def accepted(self) -> bool:
        return 200 <= self.answered < 300


@dataclass
class Receiver:
    """An integrator's endpoint on a port of this machine. It verifies every request with the
    `standardwebhooks` package and the secret shown at subscription (401 if it does not verify),
    otherwise answers `status`. It can stop listening (connections are refused) and listen again
    on the same port. One request per connection, so nothing reaches it while it is not listening.
    """

    name: str
    port: int = field(default_factory=free_port)
    status: int = 200
    secret: str | None = None
    hits: list[Hit] = field(default_factory=list)
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def listen(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)

    async def stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            arrived = asyncio.get_running_loop().time()
            headers: dict[str, str] = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, colon, value = line.partition(":")
                if colon:
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            status = self._answer(arrived, headers, body)
            reason = HTTPStatus(status).phrase
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()
            with suppress(ConnectionError):
                await writer.wait_closed()

    def _answer(self, arrived: float, headers: dict[str, str], body: bytes) -> int:
        event: dict[str, Any] | None = None
        if self.secret is not None:
            with suppress(WebhookVerificationError):
                event = Webhook(self.secret).verify(body, headers)
        status = self.status if event is not None else 401
        self.hits.append(Hit(arrived, headers.get("webhook-id", ""), body, status, event))
        return status

    def forged(self) -> list[Hit]:
        return [h for h in self.hits if h.event is None]

    def accepted_ids(self) -> list[str]:
        """The ids it accepted, in order, a retry of the same message right after itself (at
        least once: the gateway may not have heard the answer) counted once."""
        return [
            message_id for message_id, _ in itertools.groupby(h.message_id for h in self.hits if h.accepted)
        ]

    def duplicates(self) -> dict[str, int]:
        """Retries of a message it had just accepted (at least once), by id; a replay is not one."""
        found: dict[str, int] = {}
        for message_id, run in itertools.groupby(h.message_id for h in self.hits if h.accepted):
            if (again := len(list(run)) - 1) > 0:
                found[message_id] = found.get(message_id, 0) + again
        return found

    def one_event_per_id(self) -> bool:
        """Whether every request under one webhook-id carried the same event, whatever the cause
        (a retry, a duplicate, a replay), and webhook-id is that event's id."""
        bodies: dict[str, set[str]] = {}
        for hit in self.hits:
            assert hit.event is not None
            assert hit.event["id"] == hit.message_id, (self.name, hit.message_id, hit.event["id"])
            bodies.setdefault(hit.message_id, set()).add(json.dumps(hit.event, sort_keys=True))
        return all(len(b) == 1 for b in bodies.values())


def _check_received(receiver: Receiver, expected: Sequence[str]) -> bool:
    """Whether it has everything; fails at once on a forged request, an unwanted event or one
    out of order (what it accepted must be a prefix of what it should get)."""
    assert not receiver.forged(), f"{receiver.name}: requests that did not verify: {receiver.forged()[:3]}"
    got = receiver.accepted_ids()
    assert got == list(expected[: len(got)]), (receiver.name, "out of order or unwanted", got, expected)
    return len(got) == len(expected)


# -- the platform's side ---------------------------------------------------------------------


@dataclass
class Writes:
    """Real writes through the gateway, one after the other: a network of Guatemala, then a
    roadmap action led by it, and so on. Each makes one event; in write order, event-time order."""

    api: httpx.AsyncClient
    records: list[str] = field(default_factory=list)  # ids of the records written, in order
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def one(self) -> None:
        tag = uuid.uuid4().hex[:8]
        if len(self.records) % 2 == 0:
            response = await self.api.post(
                "/api/members/networks",
                json={
                    "country": COUNTRY,
                    "kind": "public",
                    "official_name": f"Red de bibliotecas R8 {tag}",
                    "governing_entity": "Ministerio de Cultura y Deportes",
                    "status": "constituted",
                },
            )
        else:
            response = await self.api.post(
                "/api/roadmap/actions",
                json={"title": f"Acción R8 {tag}", "start_date": "2026-01-01", "lead_country": COUNTRY},
            )
        assert response.status_code == 201, response.text
        self.records.append(response.json()["id"])

    async def run(self) -> None:
        while not self.stop.is_set():
            await self.one()
            with suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), WRITE_PACE_S)


async def _topic_events(platform: RunningPlatform, *logical: str) -> list[CloudEvent]:
    """Every event on these topics of the platform so far."""
    consumer = AIOKafkaConsumer(bootstrap_servers=platform.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        # The topics were made before it started: learn their partitions (as the access-matrix
        # test does; aiokafka has no public call that updates the consumer's own metadata).
        await consumer._client.force_metadata_update()
        partitions = [
            TopicPartition(platform.topic_prefix + name, p)
            for name in logical
            for p in sorted(consumer.partitions_for_topic(platform.topic_prefix + name) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        events: list[CloudEvent] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                events += [CloudEvent.from_kafka(r.headers, r.value, r.key) for r in batch]
        return events
    finally:
        await consumer.stop()


async def _events_of(platform: RunningPlatform, records: Sequence[str]) -> list[CloudEvent]:
    """The event of each record written, in write order, as the services published them."""
    by_subject: dict[str, list[CloudEvent]] = {}

    async def all_published() -> bool:
        by_subject.clear()
        for event in await _topic_events(platform, "sirbi.members.v1", "sirbi.roadmap.v1"):
            if event.subject is not None and event.subject in records:
                by_subject.setdefault(event.subject, []).append(event)
        return all(r in by_subject for r in records)

    await wait_until(all_published, timeout=60, interval=1, what="every write's event on the topics")
    assert all(len(by_subject[r]) == 1 for r in records), {r: len(e) for r, e in by_subject.items()}
    events = [by_subject[r][0] for r in records]
    assert [e.time for e in events] == sorted(e.time for e in events), "writes one after the other"
    return events


async def _subscribe(api: httpx.AsyncClient, receiver: Receiver) -> dict[str, Any]:
    """Subscribe the endpoint and hand it the secret, shown only now, as an integrator would."""
    body = {
        "url": receiver.url,
        "event_types": EVENT_TYPES,
        "countries": [COUNTRY],
        "description": receiver.name,
    }
    response = await api.post(SUBSCRIPTIONS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    receiver.secret = created["secret"]
    return created


async def _subscription(api: httpx.AsyncClient, subscription: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(f"{SUBSCRIPTIONS}/{subscription['id']}")
    assert response.status_code == 200, response.text
    current: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{current["version"]}"'
    return current


async def _deliveries(api: httpx.AsyncClient, subscription: dict[str, Any]) -> list[dict[str, Any]]:
    """The whole delivery log, oldest first."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100):
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = await api.get(f"{SUBSCRIPTIONS}/{subscription['id']}/deliveries", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items[::-1]
    raise AssertionError("more delivery pages than expected")


async def _delivery_of(api: httpx.AsyncClient, subscription: dict[str, Any], event_id: str) -> dict[str, Any]:
    (delivery,) = [d for d in await _deliveries(api, subscription) if d["event_id"] == event_id]
    return delivery


def _least_wait(n: int) -> float:
    """The least the gateway waits after a delivery's n-th failed attempt: the jitter draws in the
    upper half of min(CAP, INITIAL * FACTOR^(n-1)). With FACTOR 2, until the cap, that is also the
    most the wait after attempt n-1 could have been: gap n is held against gap n-1 in the one way
    jitter cannot break (at least the longest wait n-1 could draw), never against its measure,
    which a slow machine stretches."""
    return min(CAP_S, INITIAL_S * FACTOR ** (n - 1)) / 2


def _backed_off(times: Sequence[float]) -> list[str]:
    """What breaks the schedule in the spacing of one delivery's attempts (none: it held).

    Attempt n+1 comes no earlier than the answer to attempt n was settled plus the wait, and
    the receiver saw attempt n before it answered: each gap is at least the least wait. Nothing
    bounds a gap from above (a slow machine adds to all of them)."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return [
        f"gap after attempt {n}: {gap:.3f} s < {_least_wait(n)} s"
        for n, gap in enumerate(gaps, start=1)
        if gap < _least_wait(n) - CLOCK_SLACK_S
    ]


def _gaps(times: Sequence[float]) -> list[float]:
    return [round(later - earlier, 2) for earlier, later in itertools.pairwise(times)]


# -- the test --------------------------------------------------------------------------------


async def test_receivers_down_for_minutes_or_failing_forever_lose_nothing_and_get_their_backlog(
    platform: RunningPlatform,
) -> None:
    loop = asyncio.get_running_loop()
    api = await signed_in(platform, platform.secretariat_email, platform.secretariat_password)
    steady, broken = Receiver("steady"), Receiver("broken")
    await steady.listen()
    await broken.listen()
    try:
        broken.status = 500
        steady_subscription = await _subscribe(api, steady)
        broken_subscription = await _subscribe(api, broken)
        since = datetime.now(UTC)  # before the first write
        writes = Writes(api)
        writing = asyncio.create_task(writes.run())
        try:

            async def steady_got(count: int) -> bool:
                assert not writing.done(), "the writer stopped"
                return len(steady.accepted_ids()) >= count

            await wait_until(lambda: steady_got(3), timeout=60, what="steady's first deliveries")

            # -- steady is down: first it answers 503 -------------------------------------------
            # The waits below are bounded to 120 s together, so steady is back at OUTAGE_S (a
            # slow machine included), before its failures could span DISABLE_AFTER_S.
            steady.status = 503
            down_at = loop.time()

            def failed_on_head() -> list[Hit]:
                return [h for h in steady.hits if h.answered == 503]

            async def retried() -> bool:
                assert not writing.done(), "the writer stopped"
                return len(failed_on_head()) >= BACKOFF_ATTEMPTS

            await wait_until(retried, timeout=75, interval=0.2, what="steady's head retried while 503")
            head = failed_on_head()[0].message_id
            # Only the head is tried while it fails: the events behind it wait.
            assert {h.message_id for h in failed_on_head()} == {head}

            async def logged() -> bool:
                seen = len(failed_on_head())
                delivery = await _delivery_of(api, steady_subscription, head)
                return bool(delivery["attempts"] == seen and delivery["last_status_code"] == 503)

            await wait_until(
                logged, timeout=15, interval=POLL_S, what="the delivery log showing steady's 503 attempts"
            )
            failing = await _delivery_of(api, steady_subscription, head)
            assert failing["status"] == "pending", failing
            assert failing["last_error"].startswith("HTTP 503"), failing
            assert failing["next_attempt_at"] is not None, failing

            # -- ... then it does not even listen: connections refused ----------------------------
            await steady.stop_listening()
            answered_503 = [h.at for h in failed_on_head()]

            async def refused() -> bool:
                delivery = await _delivery_of(api, steady_subscription, head)
                return bool(delivery["attempts"] > len(answered_503) and delivery["last_status_code"] is None)

            await wait_until(
                refused, timeout=30, interval=POLL_S, what="the delivery log showing a refused connection"
            )
            refusal = await _delivery_of(api, steady_subscription, head)
            assert refusal["status"] == "pending", refusal
            assert refusal["last_error"].startswith("ConnectError"), refusal
            await asyncio.sleep(max(0.0, OUTAGE_S - (loop.time() - down_at)))
            steady.status = 200
            await steady.listen()
            down_for = loop.time() - down_at
            assert down_for >= 120, down_for

            # -- broken fails forever: disabled by the system after the limit ----------------------
            async def disabled() -> bool:
                assert not writing.done(), "the writer stopped"
                return (await _subscription(api, broken_subscription))["active"] is False

            await wait_until(
                disabled,
                timeout=DISABLE_AFTER_S + 90,
                interval=2 * POLL_S,
                what="broken's subscription disabled",
            )
            written_before = len(writes.records)
            tried_by_broken = len(broken.hits)

            async def written_while_disabled() -> bool:
                assert not writing.done(), "the writer stopped"
                return len(writes.records) >= written_before + 1 + WRITES_WHILE_DISABLED

            await wait_until(written_while_disabled, timeout=60, what="writes while broken is disabled")
        finally:
            writes.stop.set()
            await writing

        events = await _events_of(platform, writes.records)
        expected = [e.id for e in events]

        # -- 1. steady: every event, in order, signed; nothing disabled it ---------------------------
        async def steady_has_all() -> bool:
            return _check_received(steady, expected) and all(
                d["status"] == "delivered" for d in await _deliveries(api, steady_subscription)
            )

        await wait_until(steady_has_all, timeout=60, interval=POLL_S, what="steady's whole backlog")
        steady_log = await _deliveries(api, steady_subscription)
        assert [(d["event_id"], d["cause"], d["status"]) for d in steady_log] == [
            (i, "event", "delivered") for i in expected
        ]
        assert steady.one_event_per_id()
        still = await _subscription(api, steady_subscription)
        assert (still["active"], still["disabled_reason"]) == (True, None), still

        # -- 2. back-off: the head's attempts, spaced at least as the schedule allows ---------------
        assert _backed_off(answered_503) == [], _gaps(answered_503)
        recovered = await _delivery_of(api, steady_subscription, head)
        # The log counts every attempt: those answered 503, at least one refused, the one accepted.
        assert recovered["attempts"] >= len(answered_503) + 2, recovered
        assert (recovered["last_status_code"], recovered["last_error"]) == (200, None), recovered
        assert recovered["delivered_at"] is not None, recovered

        # -- 3. broken: disabled after the limit, its backlog kept ----------------------------------
        current = await _subscription(api, broken_subscription)
        assert current["disabled_at"] is not None, current
        reason = _REASON.match(current["disabled_reason"] or "")
        assert reason, current["disabled_reason"]
        failures, failing_since = int(reason[1]), datetime.fromisoformat(reason[2])
        assert failures >= DISABLE_AFTER_FAILURES, current
        disabled_at = datetime.fromisoformat(current["disabled_at"])
        assert (disabled_at - failing_since).total_seconds() >= DISABLE_AFTER_S, current
        assert "500" in reason[3], current
        # Every failure was one request it answered 500, all on its head, the first event; none since.
        assert len(broken.hits) == tried_by_broken == failures, (len(broken.hits), failures)
        assert {(h.message_id, h.answered) for h in broken.hits} == {(expected[0], 500)}
        assert _backed_off([h.at for h in broken.hits]) == [], _gaps([h.at for h in broken.hits])
        history = (await api.get(f"{SUBSCRIPTIONS}/{broken_subscription['id']}/history")).json()
        assert (history[-1]["action"], history[-1]["actor"]) == ("disabled", "system"), history[-1]

        async def announced() -> bool:
            gateway_events = await _topic_events(platform, "sirbi.gateway.v1")
            return any(
                e.type.endswith(".subscription.disabled.v1") and e.subject == broken_subscription["id"]
                for e in gateway_events
            )

        await wait_until(
            announced, timeout=30, interval=1, what="subscription.disabled on the gateway's topic"
        )
        (disabled_event,) = [
            e
            for e in await _topic_events(platform, "sirbi.gateway.v1")
            if e.type.endswith(".subscription.disabled.v1")
        ]
        assert disabled_event.subject == broken_subscription["id"]
        assert disabled_event.data["reason"] == current["disabled_reason"]
        assert disabled_event.data["subscription"]["active"] is False
        assert "secret" not in disabled_event.data["subscription"]

        # Every event was queued for it, disabled or not, and none tried but the head.
        async def all_queued() -> bool:
            return len(await _deliveries(api, broken_subscription)) == len(expected)

        await wait_until(all_queued, timeout=30, interval=POLL_S, what="broken's backlog queued")
        backlog = await _deliveries(api, broken_subscription)
        assert [(d["event_id"], d["status"]) for d in backlog] == [(i, "pending") for i in expected]
        assert [d["attempts"] for d in backlog] == [failures] + [0] * (len(expected) - 1)
        assert written_before + 1 < len(expected)  # some were written while it was disabled
        assert len(broken.hits) == failures

        # -- fixed and enabled: the whole backlog, in order -----------------------------------------
        broken.status = 200
        enabled = await api.post(
            f"{SUBSCRIPTIONS}/{broken_subscription['id']}/enable",
            headers={"If-Match": f'"{current["version"]}"'},
        )
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["active"] is True

        async def broken_has(wanted: list[str]) -> bool:
            return _check_received(broken, wanted) and all(
                d["status"] == "delivered" for d in await _deliveries(api, broken_subscription)
            )

        await wait_until(lambda: broken_has(expected), timeout=60, interval=POLL_S, what="broken's backlog")

        # -- replay since before the first write: every kept event once more -----------------------
        replay = await api.post(
            f"{SUBSCRIPTIONS}/{broken_subscription['id']}/replay", json={"since": since.isoformat()}
        )
        assert replay.status_code == 202, replay.text
        assert replay.json() == {"queued": len(expected)}
        await wait_until(
            lambda: broken_has(expected + expected), timeout=60, interval=POLL_S, what="the replay delivered"
        )
        replayed = [d for d in await _deliveries(api, broken_subscription) if d["cause"] == "replay"]
        assert [(d["event_id"], d["status"]) for d in replayed] == [(i, "delivered") for i in expected]
        assert broken.one_event_per_id()  # a replayed message is the same message

        log.info(
            "R8 webhooks: %d events; steady down %.0f s, its head's gaps %s, duplicates %s; broken "
            "disabled after %d failures, gaps %s, duplicates %s",
            len(expected),
            down_for,
            _gaps(answered_503),
            steady.duplicates(),
            failures,
            _gaps([h.at for h in broken.hits[:failures]]),
            broken.duplicates(),
        )
    finally:
        await steady.stop_listening()
        await broken.stop_listening()
        await api.aclose()
