"""R6 through the gateway of the whole platform: an access matrix generated from the route table.

Every mutating operation (POST/PUT/PATCH/DELETE) of the platform's OpenAPI, except the caller's own
sign-in/refresh/sign-out/password, is called by every caller of `tests/support/access_policy.py`
that its policy refuses, with a valid body (the operation's OpenAPI example, made unique) on
targets the test creates as the secretariat in PE (and the seeded PE member state). Each refusal
must be the expected 403 (or 404 for another owner's webhook subscription) problem+json with its
stable code; every operation is also called once without credentials (401). Afterwards nothing
changed: each target reads back with the same ETag and body, and no record keyed by a target's id
or carrying a created record's tag appeared on any of the platform's topics between two markers.

The allowed calls are not executed for every role: the secretariat's control call is executed for
each operation on the test's own targets (it must not be refused nor rejected as invalid, which
shows the bodies were valid), except for the member-state operations whose target is seeded.
"""

from __future__ import annotations

import asyncio
import copy
import re
import uuid
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.support.access_policy import CALLERS, POLICY, SELF_SERVICE, Refusal, expected
from tests.support.whole_platform import RunningPlatform

MUTATING = ("post", "put", "patch", "delete")
PROXIED = ("/api/members/", "/api/agreements/", "/api/roadmap/")
TOPICS = (
    "sirbi.members.v1",
    "sirbi.directory.v1",
    "sirbi.agreements.v1",
    "sirbi.roadmap.v1",
    "sirbi.gateway.v1",
)
BATCH = 24
# Seeded targets: the secretariat's control would change the shared platform's member states.
NO_CONTROL = frozenset(
    {
        "members_register_member_state",
        "members_rename_member_state",
        "members_admit_member_state",
        "members_reinstate_member_state",
        "members_suspend_member_state",
        "members_withdraw_member_state",
    }
)
# Verbs that end a record's life: the controls run them last.
LAST = ("cancel", "complete", "terminate", "close", "end", "leave", "revoke", "withdraw", "disable")


@dataclass(frozen=True)
class Operation:
    op_id: str
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def proxied(self) -> bool:
        return self.path.startswith(PROXIED)


@dataclass
class Context:
    tag: str
    ids: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # op id -> the tag its body carries


def _ok(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200, 201)), (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        for method, spec in item.items():
            if method in MUTATING and spec["operationId"] not in SELF_SERVICE:
                found.append(Operation(spec["operationId"], method.upper(), path, spec))
    return found


def example(op: Operation) -> tuple[str | None, Any]:
    """The media type and example body of the operation's OpenAPI document (None: no body)."""
    content = op.spec.get("requestBody", {}).get("content", {})
    for media_type, media in content.items():
        if "example" in media:
            return media_type, copy.deepcopy(media["example"])
        if "examples" in media:
            values = list(media["examples"].values())
            return media_type, copy.deepcopy(values[-1]["value"])
        schema = media.get("schema", {})
        examples = schema.get("examples") or SCHEMAS.get(schema.get("$ref", "").split("/")[-1], {}).get(
            "examples"
        )
        if examples:
            return media_type, copy.deepcopy(examples[0])
        return media_type, {}
    return None, None


SCHEMAS: dict[str, Any] = {}


def body_for(op: Operation, ctx: Context) -> tuple[str | None, Any]:
    """A valid body: the example, with what makes it unique and points it at the test's targets."""
    media_type, body = example(op)
    tag = f"{ctx.tag}{abs(hash(op.op_id)) % 10_000:04d}"
    ctx.tags[op.op_id] = tag
    today = datetime.now(UTC).date().isoformat()
    overrides: dict[str, dict[str, Any]] = {
        "agreements_draft_agreement": {"code": f"AM-{tag}", "title": f"Convenio {tag}", "start_date": today},
        "agreements_update_draft_agreement": {"code": None, "title": f"Convenio {tag}", "start_date": today},
        "agreements_sign_agreement": {"signed_on": today},
        "agreements_register_partner": {"name": f"Socio {tag}"},
        "agreements_update_partner": {"name": f"Socio {tag}"},
        "agreements_amend_agreement": {"summary": f"Adenda {tag}"},
        "create_user": {"email": f"am-{tag}@example.org", "roles": ["observer"], "country": None},
        "update_user": {"display_name": f"Persona {tag}", "roles": ["observer"], "country": None},
        "create_client": {"name": f"Cliente {tag}"},
        "create_webhook_subscription": {
            "url": f"https://hooks.example.org/{tag}",
            "event_types": ["org.sirbi.agreements.agreement.*"],
            "description": tag,
        },
        "update_webhook_subscription": {
            "url": f"https://hooks.example.org/{tag}",
            "event_types": ["org.sirbi.agreements.agreement.*"],
            "description": tag,
        },
        "replay_webhooks": {"since": "2026-01-01T00:00:00Z"},
        "members_register_library": {
            "name": f"Biblioteca {tag}",
            "country": "PE",
            "isil": None,
            "national_id": tag,
        },
        "members_describe_library": {"name": f"Biblioteca {tag}", "isil": None},
        "members_register_member_state": {"code": "ZZ", "names": {"en": tag, "es": tag, "pt": tag}},
        "members_rename_member_state": {"names": {"en": "Peru", "es": f"Perú {tag}", "pt": "Peru"}},
        "members_register_network": {"official_name": f"Red {tag}", "country": "PE"},
        "members_appoint_representative": {"email": f"am-{tag}@example.org", "name": f"Persona {tag}"},
        "members_update_representative": {"position": f"Cargo {tag}"},
        "roadmap_propose_action": {"title": f"Acción {tag}", "working_group_id": ctx.ids["group_id"]},
        "roadmap_update_action": {"title": f"Acción {tag}", "line_id": ctx.ids["line_id"]},
        "roadmap_reassign_action": {"working_group_id": ctx.ids["other_group_id"], "lead_country": None},
        "roadmap_define_indicator": {"name": f"Indicador {tag}"},
        "roadmap_add_milestone": {"title": f"Hito {tag}"},
        "roadmap_reach_milestone": {"reached_on": today},
        "roadmap_report_progress": {"comment": f"Avance {tag}"},
        "roadmap_create_roadmap": {"code": f"HR-{tag}", "title": f"Hoja {tag}"},
        "roadmap_update_roadmap": {"code": ctx.ids["roadmap_code"], "title": f"Hoja {tag}"},
        "roadmap_add_strategic_line": {"code": f"L-{tag}", "title": f"Línea {tag}"},
        "roadmap_update_strategic_line": {"code": ctx.ids["line_code"], "title": f"Línea {tag}"},
        "roadmap_form_working_group": {"name": f"Grupo {tag}"},
        "roadmap_update_working_group": {"name": f"Grupo G1 {tag}"},
        "roadmap_country_joins_working_group": {"country": "AR"},
        "roadmap_person_joins_working_group": {"name": f"Persona {tag}", "subject": f"am-{tag}"},
    }
    if op.op_id == "members_start_directory_import":
        header = str(body).splitlines()[0]
        return media_type, f"{header}\n,{tag},Biblioteca {tag},public,Lima,Lima,Lima,,,,,open,\n"
    if isinstance(body, dict):
        for key, value in overrides.get(op.op_id, {}).items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
    return media_type, body


PATH_IDS = {
    "library_id": "library_id",
    "network_id": "network_id",
    "representative_id": "representative_id",
    "partner_id": "partner_id",
    "action_id": "action_id",
    "roadmap_id": "roadmap_id",
    "line_id": "line_id",
    "group_id": "group_id",
    "person_id": "person_id",
    "user_id": "user_id",
    "client_id": "client_id",
    "subscription_id": "subscription_id",
}


def url_for(op: Operation, ctx: Context) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "agreement_id":
            return ctx.ids[
                "proposed_agreement_id" if op.op_id == "agreements_sign_agreement" else "agreement_id"
            ]
        if name in ("code", "country"):
            return "PE"
        if name in ("number", "delivery_id"):
            return "1"
        return ctx.ids[PATH_IDS[name]]

    url = re.sub(r"\{([a-z_]+)\}", fill, op.path)
    if op.op_id == "members_start_directory_import":
        url += f"?country=PE&file_name=am-{ctx.tags.get(op.op_id, ctx.tag)}.csv"
    return url


def target_of(op: Operation, ctx: Context) -> str | None:
    """The record an operation on a path id changes: the path up to its first id."""
    match = re.match(r"^(.*?\{[a-z_]+\})", op.path)
    if match is None:
        return None
    return url_for(Operation(op.op_id, "GET", match.group(1), {}), ctx)


async def read_back(api: httpx.AsyncClient, target: str) -> tuple[str, Any]:
    if target.startswith("/api/clients/"):  # clients have a list, not a GET of their own
        client_id = target.rsplit("/", 1)[1]
        response = await api.get("/api/clients")
        listed: list[dict[str, Any]] = response.json()
        assert response.status_code == 200, response.text
        entry = next(c for c in listed if c["id"] == client_id)
        return f'"{entry["version"]}"', entry
    response = await api.get(target)
    assert response.status_code == 200, (target, response.text)
    return response.headers["etag"], response.json()


async def send(
    client: httpx.AsyncClient, op: Operation, ctx: Context, headers: dict[str, str], etag: str | None
) -> httpx.Response:
    media_type, body = body_for(op, ctx)
    sent = dict(headers)
    if etag is not None and any(p.get("name") == "If-Match" for p in op.spec.get("parameters", [])):
        sent["If-Match"] = etag
    url = url_for(op, ctx)
    if media_type == "application/json":
        return await client.request(op.method, url, json=body, headers=sent)
    if media_type is not None:
        return await client.request(
            op.method, url, content=str(body).encode(), headers={**sent, "Content-Type": media_type}
        )
    return await client.request(op.method, url, headers=sent)


async def gather_bounded(calls: Iterable[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    pending = list(calls)
    answers: list[httpx.Response] = []
    for start in range(0, len(pending), BATCH):
        answers.extend(await asyncio.gather(*pending[start : start + BATCH]))
    return answers


class Topics:
    """Every record of the platform's topics from when it starts."""

    def __init__(self, platform: RunningPlatform) -> None:
        self.names = [platform.topic_prefix + t for t in TOPICS]
        self.consumer = AIOKafkaConsumer(bootstrap_servers=platform.kafka_bootstrap, enable_auto_commit=False)

    async def start(self) -> None:
        await self.consumer.start()
        partitions = [
            TopicPartition(topic, p)
            for topic in self.names
            for p in sorted(self.consumer.partitions_for_topic(topic) or await self._partitions(topic))
        ]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for partition in partitions:
            await self.consumer.position(partition)

    async def _partitions(self, topic: str) -> set[int]:
        await self.consumer._client.force_metadata_update()  # topics made before it started
        return self.consumer.partitions_for_topic(topic) or set()

    async def until(self, keys: set[str], timeout: float = 30) -> list[tuple[str | None, bytes]]:
        """The records read until one keyed by each of `keys` has come, and a second more."""
        records: list[tuple[str | None, bytes]] = []
        waiting = set(keys)
        deadline = asyncio.get_running_loop().time() + timeout
        while waiting:
            assert asyncio.get_running_loop().time() < deadline, f"no event for {waiting}"
            for batch in (await self.consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    key = record.key.decode() if record.key else None
                    records.append((key, record.value or b""))
                    waiting.discard(key or "")
        for batch in (await self.consumer.getmany(timeout_ms=1000)).values():
            records.extend((r.key.decode() if r.key else None, r.value or b"") for r in batch)
        return records

    async def stop(self) -> None:
        await self.consumer.stop()


async def markers(api: httpx.AsyncClient, tag: str) -> set[str]:
    """One secretariat write on each topic, on records of their own: the ids they are keyed by."""
    answers = await asyncio.gather(
        api.post(
            "/api/members/networks",
            json={
                "country": "PE",
                "kind": "public",
                "official_name": f"Marca {tag}",
                "governing_entity": "BNP",
            },
        ),
        api.post(
            "/api/members/libraries",
            json={"country": "PE", "name": f"Marca {tag}", "national_id": f"M-{tag}"},
        ),
        api.post(
            "/api/agreements/partners", json={"kind": "international_association", "name": f"Marca {tag}"}
        ),
        api.post(
            "/api/roadmap/roadmaps",
            json={
                "code": f"M-{tag}",
                "title": f"Marca {tag}",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            },
        ),
        api.post(
            "/api/users",
            json={
                "email": f"marca-{tag}@example.org",
                "display_name": f"Marca {tag}",
                "roles": ["observer"],
                "password": f"una marca larga {tag}",
            },
        ),
    )
    return {str(_ok(a, 201)["id"]) for a in answers}


async def setup(api: httpx.AsyncClient, bare: httpx.AsyncClient, ctx: Context) -> None:
    t = ctx.tag
    groups = await asyncio.gather(
        *(
            api.post(
                "/api/roadmap/working-groups",
                json={
                    "name": f"Grupo {name} {t}",
                    "areas": ["training"],
                    "coordinator": {"country": "PE", "name": f"Coord {name}"},
                },
            )
            for name in ("G1", "G2")
        )
    )
    ctx.ids["group_id"], ctx.ids["other_group_id"] = (str(_ok(g, 201)["id"]) for g in groups)
    roadmap = _ok(
        await api.post(
            "/api/roadmap/roadmaps",
            json={
                "code": f"HR-{t}",
                "title": f"Hoja {t}",
                "starts_on": "2026-01-01",
                "ends_on": "2027-12-31",
            },
        ),
        201,
    )
    ctx.ids["roadmap_id"], ctx.ids["roadmap_code"] = str(roadmap["id"]), str(roadmap["code"])
    line = _ok(
        await api.post(
            f"/api/roadmap/roadmaps/{roadmap['id']}/lines", json={"code": f"L-{t}", "title": f"Línea {t}"}
        ),
        201,
    )
    ctx.ids["line_id"], ctx.ids["line_code"] = str(line["id"]), str(line["code"])
    group = ctx.ids["group_id"]
    etag = (await api.get(f"/api/roadmap/working-groups/{group}")).headers["etag"]
    joined = await api.post(
        f"/api/roadmap/working-groups/{group}/countries", json={"country": "PE"}, headers={"If-Match": etag}
    )
    people = _ok(
        await api.post(
            f"/api/roadmap/working-groups/{group}/people",
            json={"name": f"Persona {t}", "country": "PE"},
            headers={"If-Match": joined.headers["etag"]},
        )
    )["people"]
    ctx.ids["person_id"] = str(people[0]["id"])
    action = {
        "title": f"Acción {t}",
        "start_date": "2026-01-01",
        "lead_country": "PE",
        "working_group_id": group,
        "indicators": [{"name": "Personas", "unit": "personas", "target": 10}],
        "milestones": [{"title": "Hito", "due_date": "2026-12-31"}],
    }
    draft = {
        "title": f"Convenio {t}",
        "objectives": "Probar la matriz de acceso.",
        "type": "bilateral",
        "areas": ["training"],
        "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
        "start_date": datetime.now(UTC).date().isoformat(),
    }
    answers = await asyncio.gather(
        api.post("/api/roadmap/actions", json=action),
        api.post("/api/agreements/agreements", json={**draft, "code": f"AM-{t}-D"}),
        api.post("/api/agreements/agreements", json={**draft, "code": f"AM-{t}-P"}),
        api.post(
            "/api/agreements/partners", json={"kind": "international_association", "name": f"Socio {t}"}
        ),
        api.post(
            "/api/members/libraries",
            json={"country": "PE", "name": f"Biblioteca {t}", "national_id": f"AM-{t}"},
        ),
        api.post(
            "/api/members/networks",
            json={"country": "PE", "kind": "public", "official_name": f"Red {t}", "governing_entity": "BNP"},
        ),
        api.post(
            "/api/members/representatives",
            json={
                "country": "PE",
                "name": f"Persona {t}",
                "role": "focal_point",
                "entity": "BNP",
                "appointed_on": "2026-01-01",
                "position": "Jefa",
                "email": f"am-rep-{t}@example.org",
            },
        ),
        api.post(
            "/api/users",
            json={
                "email": f"am-target-{t}@example.org",
                "display_name": f"Destino {t}",
                "roles": ["observer"],
                "password": f"una frase larga {t}",
            },
        ),
        api.post("/api/clients", json={"name": f"Destino {t}", "scopes": ["read"]}),
        api.post("/api/clients", json={"name": f"Integración {t}", "scopes": ["read", "subscribe"]}),
        api.post(
            "/api/webhooks/subscriptions",
            json={
                "url": f"https://hooks.example.org/{t}",
                "event_types": ["org.sirbi.agreements.agreement.*"],
            },
        ),
    )
    created = [_ok(a, 201) for a in answers]
    names = ["action_id", "agreement_id", "proposed_agreement_id", "partner_id", "library_id", "network_id"]
    names += ["representative_id", "user_id", "client_id", "integration_client", "subscription_id"]
    ctx.ids.update({name: str(record["id"]) for name, record in zip(names, created, strict=True)})
    ctx.ids["agreement_code"] = str(created[1]["code"])
    proposed = created[2]
    _ok(
        await api.post(
            f"/api/agreements/agreements/{proposed['id']}/propose",
            headers={"If-Match": f'"{proposed["version"]}"'},
        )
    )

    people_of: dict[str, dict[str, Any]] = {
        "observer": {"roles": ["observer"]},
        "rep_pe": {"roles": ["representative"], "country": "PE"},
        "rep_ar": {"roles": ["representative"], "country": "AR"},
        "wg_member": {"roles": ["wg_member"], "working_groups": [group]},
        "wg_coordinator": {"roles": ["wg_coordinator"], "working_groups": [group]},
        "wg_coordinator_other": {"roles": ["wg_coordinator"], "working_groups": [ctx.ids["other_group_id"]]},
    }

    async def person(caller: str, fields: dict[str, Any]) -> str:
        email, password = f"am-{caller.replace('_', '-')}-{t}@example.org", f"una frase larga de {caller} {t}"
        body = {"email": email, "display_name": f"{caller} {t}", "password": password, **fields}
        _ok(await api.post("/api/users", json=body), 201)
        login = await bare.post("/api/auth/login", json={"email": email, "password": password})
        return str(_ok(login, 200)["access_token"])

    tokens = await asyncio.gather(*(person(caller, fields) for caller, fields in people_of.items()))
    for caller, token in zip(people_of, tokens, strict=True):
        ctx.headers[caller] = {"Authorization": f"Bearer {token}"}
    ctx.headers["integration"] = {"X-API-Key": str(created[9]["api_key"])}
    ctx.headers["secretariat"] = {"Authorization": str(api.headers["Authorization"])}


def _problem(response: httpx.Response, refusal: Refusal) -> str | None:
    """What is wrong with a refusal, or None."""
    if response.status_code != refusal.status:
        return f"{response.status_code} (expected {refusal.status} {refusal.code}): {response.text[:200]}"
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {response.headers.get('content-type')}"
    code = response.json().get("code")
    return None if code == refusal.code else f"code {code!r} (expected {refusal.code!r})"


async def test_every_mutating_operation_refuses_every_caller_its_policy_does_not_allow(
    whole_platform: RunningPlatform,
) -> None:
    async with httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30) as anonymous:
        document = _ok(await anonymous.get("/api/openapi.json"), 200)
    SCHEMAS.update(document["components"]["schemas"])
    ops = operations(document)

    # The matrix covers the route table: no operation without an entry, no entry without one.
    assert sorted(o.op_id for o in ops if o.op_id not in POLICY) == []
    assert sorted(set(POLICY) - {o.op_id for o in ops}) == []

    tag = uuid.uuid4().hex[:6]
    ctx = Context(tag=tag)
    topics = Topics(whole_platform)
    login = {"email": whole_platform.secretariat_email, "password": whole_platform.secretariat_password}
    limits = httpx.Limits(max_connections=BATCH)
    async with (
        httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30, limits=limits) as client,
        httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30) as api,
    ):
        token = _ok(await client.post("/api/auth/login", json=login), 200)["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        await topics.start()
        try:
            await setup(api, client, ctx)
            await topics.until(await markers(api, f"a{tag}"))

            targets = sorted({t for o in ops if (t := target_of(o, ctx)) is not None})
            before = dict(
                zip(targets, await asyncio.gather(*(read_back(api, t) for t in targets)), strict=True)
            )

            # Every refused (operation, caller), and each operation once without credentials.
            cases: list[tuple[Operation, str, Refusal]] = [
                (op, caller, refusal)
                for op in ops
                for caller in CALLERS
                if (refusal := expected(POLICY[op.op_id], caller, proxied=op.proxied)) is not None
            ]
            cases += [(op, "anonymous", Refusal(401, "authentication_required")) for op in ops]
            ctx.headers["anonymous"] = {}

            def call(op: Operation, caller: str) -> Awaitable[httpx.Response]:
                target = target_of(op, ctx)
                etag = before[target][0] if target else None
                return send(client, op, ctx, ctx.headers[caller], etag)

            answers = await gather_bounded(call(op, caller) for op, caller, _ in cases)
            wrong = [
                f"{op.op_id} as {caller}: {problem}"
                for (op, caller, refusal), answer in zip(cases, answers, strict=True)
                if (problem := _problem(answer, refusal)) is not None
            ]
            assert wrong == [], "\n".join(wrong)

            # Nothing changed: the same version and body, and no event about it on any topic.
            after = await asyncio.gather(*(read_back(api, t) for t in targets))
            changed = [t for t, now in zip(targets, after, strict=True) if now != before[t]]
            assert changed == []
            records = await topics.until(await markers(api, f"b{tag}"))
            keys = {t.rsplit("/", 1)[1] for t in targets}
            about = [k for k, _ in records if k in keys]
            assert about == [], f"events keyed by targets after refused calls: {about}"
            tags = set(ctx.tags.values())
            carrying = [v[:200] for _, v in records if any(t.encode() in v for t in tags)]
            assert carrying == [], f"events carrying a refused body: {carrying}"
        finally:
            await topics.stop()

        # The control: the secretariat's same call is neither refused nor rejected as invalid.
        controls = sorted(
            (o for o in ops if o.op_id not in NO_CONTROL),
            key=lambda o: (o.path.rsplit("/", 1)[1] in LAST, o.path, o.method),
        )
        failed = []
        for op in controls:
            target = target_of(op, ctx)
            etag = (await read_back(api, target))[0] if target else None
            answer = await send(client, op, ctx, ctx.headers["secretariat"], etag)
            if answer.status_code in (401, 403, 422) or answer.status_code >= 500:
                failed.append(f"{op.op_id}: {answer.status_code} {answer.text[:200]}")
        assert failed == [], "\n".join(failed)
