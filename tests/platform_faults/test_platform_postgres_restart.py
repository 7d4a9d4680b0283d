"""R3 at the platform level: PostgreSQL goes away and comes back under the whole platform while a
bounded stream of reads and writes goes on through the gateway, against every service and the
gateway's own routes (sign-in included).

Every service's readiness turns red during the outage and green again after it, with the same
processes. Meanwhile every answer that is not a success is a 5xx problem+json with a stable code
(`database_unavailable` from a service or the gateway, `service_unavailable`/`service_timeout`
if the gateway could not reach a service) — never a bare 500, never a body that is not a problem.
Nothing is half-written: a write answered 2xx is there after the recovery, a write answered 503
left nothing under its unique name. Afterwards reads and writes work again, and the event of a
write made after the recovery reaches the gateway's activity feed.

The platform is this test's own: it stops the database under it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.whole_platform import RunningPlatform

pytestmark = pytest.mark.platform_fault

# What a failure during the outage may be: the service's (or the gateway's) database is away, or
# the gateway could not reach a service (routing/proxy.py).
OUTAGE_STATUSES = {502, 503, 504}
OUTAGE_CODES = {"database_unavailable", "service_unavailable", "service_timeout"}
# Each operation's loop pauses this long between requests: the stream stays bounded.
PACE_S = 0.1
MAX_REQUESTS_PER_OPERATION = 600
STREAM_DEADLINE_S = 90.0


@dataclass
class Answer:
    operation: str
    unique: str | None  # the unique name a write used
    phase_sent: str
    phase_answered: str
    status: int | None  # None: no HTTP answer at all
    content_type: str
    body: Any
    retry_after: str | None
    error: str | None = None

    @property
    def during_outage(self) -> bool:
        return self.phase_sent == self.phase_answered == "down"

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def is_outage_problem(self) -> bool:
        return (
            self.status in OUTAGE_STATUSES
            and self.content_type.startswith("application/problem+json")
            and isinstance(self.body, dict)
            and self.body.get("code") in OUTAGE_CODES
            and self.body.get("status") == self.status
        )


@dataclass
class Phase:
    """Where the outage is: "up" before it, "down" once every service is red, "restarting" while
    PostgreSQL is being started again (and until every service is green), "recovered" after."""

    name: str = "up"
    answers: list[Answer] = field(default_factory=list)


def _tag() -> str:
    return uuid.uuid4().hex[:10]


Request = Callable[[], Awaitable[tuple[httpx.Response, str | None]]]


def _operations(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, platform: RunningPlatform
) -> dict[str, Request]:
    async def member_state() -> tuple[httpx.Response, str | None]:
        return await api.get("/api/members/member-states/PE"), None

    async def register_network() -> tuple[httpx.Response, str | None]:
        name = f"Red de bibliotecas R3 {_tag()}"
        body = {
            "country": "PE",
            "kind": "public",
            "official_name": name,
            "governing_entity": "Biblioteca Nacional del Perú",
            "status": "constituted",
        }
        return await api.post("/api/members/networks", json=body), name

    async def agreements() -> tuple[httpx.Response, str | None]:
        return await api.get("/api/agreements/agreements", params={"limit": 5}), None

    async def draft_agreement() -> tuple[httpx.Response, str | None]:
        code = f"R3-{_tag()}"
        body = {
            "code": code,
            "title": f"Convenio durante la caída {code}",
            "objectives": "Probar una caída de la base de datos.",
            "type": "bilateral",
            "areas": ["training"],
            "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
            "start_date": "2026-01-01",
        }
        return await api.post("/api/agreements/agreements", json=body), code

    async def actions() -> tuple[httpx.Response, str | None]:
        return await api.get("/api/roadmap/actions", params={"limit": 5}), None

    async def new_action() -> tuple[httpx.Response, str | None]:
        title = f"Acción durante la caída {_tag()}"
        body = {"title": title, "start_date": "2026-01-01", "lead_country": "PE"}
        return await api.post("/api/roadmap/actions", json=body), title

    async def users() -> tuple[httpx.Response, str | None]:
        return await api.get("/api/users"), None

    async def activity() -> tuple[httpx.Response, str | None]:
        return await api.get("/api/activity", params={"limit": 5}), None

    async def new_user() -> tuple[httpx.Response, str | None]:
        tag = _tag()
        email = f"r3-{tag}@example.org"
        body = {
            "email": email,
            "display_name": f"Persona durante la caída {tag}",
            "roles": ["observer"],
            "password": f"una frase larga {tag}",
        }
        return await api.post("/api/users", json=body), email

    async def sign_in() -> tuple[httpx.Response, str | None]:
        credentials = {"email": platform.secretariat_email, "password": platform.secretariat_password}
        return await anonymous.post("/api/auth/login", json=credentials), None

    return {
        "GET members/member-states/PE": member_state,
        "POST members/networks": register_network,
        "GET agreements/agreements": agreements,
        "POST agreements/agreements": draft_agreement,
        "GET roadmap/actions": actions,
        "POST roadmap/actions": new_action,
        "GET users": users,
        "GET activity": activity,
        "POST users": new_user,
        "POST auth/login": sign_in,
    }


async def _call(phase: Phase, operation: str, request: Request) -> Answer:
    sent = phase.name
    try:
        response, unique = await request()
    except httpx.HTTPError as exc:
        return Answer(operation, None, sent, phase.name, None, "", None, None, error=repr(exc))
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return Answer(
        operation,
        unique,
        sent,
        phase.name,
        response.status_code,
        response.headers.get("content-type", ""),
        body,
        response.headers.get("retry-after"),
    )


async def _stream(phase: Phase, operation: str, request: Request, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_DEADLINE_S
    for _ in range(MAX_REQUESTS_PER_OPERATION):
        if stop.is_set() or loop.time() > deadline:
            return
        phase.answers.append(await _call(phase, operation, request))
        await asyncio.sleep(PACE_S)


async def _readiness(direct: httpx.AsyncClient, url: str) -> httpx.Response | None:
    try:
        return await direct.get(f"{url}/health/ready")
    except httpx.HTTPError:
        return None


async def _every(platform: RunningPlatform, direct: httpx.AsyncClient, *, ready: bool) -> bool:
    answers = await asyncio.gather(*(_readiness(direct, url) for url in platform.service_urls.values()))
    return all((a is not None and a.status_code == 200) == ready for a in answers)


async def _all_pages(api: httpx.AsyncClient, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(500):
        response = await api.get(
            url, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items
    raise AssertionError(f"{url}: more pages than expected")


async def _stored_names(api: httpx.AsyncClient) -> dict[str, set[str]]:
    networks = await _all_pages(api, "/api/members/networks", {"country": "PE"})
    agreements = await _all_pages(api, "/api/agreements/agreements", {})
    actions = await _all_pages(api, "/api/roadmap/actions", {})
    users = await api.get("/api/users")
    assert users.status_code == 200, users.text
    return {
        "POST members/networks": {n["official_name"] for n in networks},
        "POST agreements/agreements": {a["code"] for a in agreements},
        "POST roadmap/actions": {a["title"] for a in actions},
        "POST users": {u["email"] for u in users.json()},
    }


async def test_the_platform_rides_out_a_postgres_restart_with_problems_and_nothing_half_written(
    infra: Infrastructure, platform: RunningPlatform
) -> None:
    pids = {name: process.pid for name, process in platform.processes.items()}
    async with (
        httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as anonymous,
        httpx.AsyncClient(timeout=10) as direct,
    ):
        login = await anonymous.post(
            "/api/auth/login",
            json={"email": platform.secretariat_email, "password": platform.secretariat_password},
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        async with httpx.AsyncClient(
            base_url=platform.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as api:
            operations = _operations(api, anonymous, platform)
            phase = Phase()
            # Every operation works before the outage (and warms the pools the outage kills).
            for operation, request in operations.items():
                warm = await _call(phase, operation, request)
                # A platform just started: the agreements service learns the member states from
                # the members service's events, so a draft naming them waits for its replica.
                deadline = asyncio.get_running_loop().time() + 60
                while warm.status == 422 and '"unknown_party"' in json.dumps(warm.body):
                    assert asyncio.get_running_loop().time() < deadline, "agreements never learnt PE and CO"
                    await asyncio.sleep(0.2)
                    warm = await _call(phase, operation, request)
                assert warm.ok, (operation, warm.status, warm.body)

            stop = asyncio.Event()
            streams = [
                asyncio.create_task(_stream(phase, operation, request, stop))
                for operation, request in operations.items()
            ]
            red: dict[str, httpx.Response] = {}
            try:
                await asyncio.to_thread(infra.stop_postgres)
                try:
                    await wait_until(
                        lambda: _every(platform, direct, ready=False),
                        timeout=30,
                        what="every service's readiness red while PostgreSQL is down",
                    )
                    for service, url in platform.service_urls.items():
                        readiness = await _readiness(direct, url)
                        assert readiness is not None
                        red[service] = readiness
                    phase.name = "down"

                    async def seen_during_outage() -> bool:
                        done = [a.operation for a in phase.answers if a.during_outage]
                        return all(done.count(op) >= 2 for op in operations)

                    await wait_until(
                        seen_during_outage, timeout=30, what="every operation tried in the outage"
                    )
                finally:
                    phase.name = "restarting"
                    await asyncio.to_thread(infra.start_postgres)

                await wait_until(
                    lambda: _every(platform, direct, ready=True),
                    timeout=60,
                    what="every service's readiness green again, same processes",
                )
                phase.name = "recovered"

                async def each_works_again() -> bool:
                    done = {a.operation for a in phase.answers if a.phase_sent == "recovered" and a.ok}
                    return done == set(operations)

                await wait_until(each_works_again, timeout=30, what="every operation works again")
            finally:
                stop.set()
                await asyncio.gather(*streams)

            # Same processes: none exited, none was started again.
            for name, process in platform.processes.items():
                assert process.poll() is None, f"{name} exited; logs in {platform.logs}"
                assert process.pid == pids[name]
            for service, readiness in red.items():
                assert readiness.status_code == 503, (service, readiness.text)
                assert readiness.headers["content-type"].startswith("application/problem+json"), service
                assert readiness.json()["code"] == "not_ready", (service, readiness.text)

            answers = phase.answers
            # Never a bare 500, never a failure that is not an outage problem, never no answer.
            wrong = [a for a in answers if not (a.ok or a.is_outage_problem())]
            assert not wrong, [(a.operation, a.status, a.content_type, a.body, a.error) for a in wrong[:10]]
            during = [a for a in answers if a.during_outage]
            assert {a.operation for a in during} == set(operations)
            succeeded = [a for a in during if a.ok]
            assert not succeeded, [(a.operation, a.status) for a in succeeded]
            # The services' own database problems say when to try again.
            for answer in answers:
                if answer.status == 503 and answer.body["code"] == "database_unavailable":
                    assert answer.retry_after, (answer.operation, answer.body)
            # The outage was seen as the database's, by the services and by the gateway itself.
            codes = {(a.operation, a.body["code"]) for a in during}
            for operation in operations:
                assert (operation, "database_unavailable") in codes, (operation, codes)

            # Nothing half-written.
            stored = await _stored_names(api)
            for answer in answers:
                if answer.unique is None:
                    continue
                names = stored[answer.operation]
                if answer.ok:
                    assert answer.unique in names, (
                        answer.operation,
                        answer.unique,
                        "answered 2xx, not stored",
                    )
                else:
                    assert answer.unique not in names, (
                        answer.operation,
                        answer.unique,
                        "answered 503, stored",
                    )

            # A write after the recovery: its event reaches the gateway's activity feed.
            register = operations["POST members/networks"]
            response, official_name = await register()
            assert response.status_code == 201, response.text
            network_id = response.json()["id"]

            async def in_the_feed() -> bool:
                feed = await api.get("/api/activity", params={"service": "members", "limit": 50})
                assert feed.status_code == 200, feed.text
                return any(
                    item["subject"] == network_id or item["data"].get("official_name") == official_name
                    for item in feed.json()["items"]
                )

            await wait_until(
                in_the_feed, timeout=45, what="the network registered after the recovery in the feed"
            )
