"""R7 through the gateway of the whole platform: two updates sent at once with the same If-Match.

For one resource of each service — a library (members), a draft agreement (agreements), an action
(roadmap) and a user (the gateway's own) — two clients that read the same version send their
change together. Exactly one gets a 2xx and the other a 412 `version_mismatch` problem; the
version went up by exactly one and what is stored is the winner's change; the loser reads again
and applies theirs on the new version, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.support.whole_platform import RunningPlatform

Change = Callable[[dict[str, Any], str], dict[str, Any]]


@pytest.fixture(scope="module")
async def token(whole_platform: RunningPlatform) -> str:
    async with httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30) as client:
        response = await client.post(
            "/api/auth/login",
            json={"email": whole_platform.secretariat_email, "password": whole_platform.secretariat_password},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


def _client(platform: RunningPlatform, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


@pytest.fixture
async def api(whole_platform: RunningPlatform, token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(whole_platform, token) as client:
        yield client


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _new_library(api: httpx.AsyncClient, tag: str) -> str:
    body = {"country": "PE", "name": f"Biblioteca concurrente {tag}", "national_id": f"R7-{tag}"}
    return str(_created(await api.post("/api/members/libraries", json=body))["id"])


async def _new_draft_agreement(api: httpx.AsyncClient, tag: str) -> str:
    body = {
        "code": f"R7-{tag}",
        "title": f"Convenio concurrente {tag}",
        "objectives": "Probar dos cambios a la vez.",
        "type": "bilateral",
        "areas": ["training"],
        "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
        "start_date": "2026-01-01",
    }
    created = _created(await api.post("/api/agreements/agreements", json=body))
    assert created["status"] == "draft"
    return str(created["id"])


async def _new_action(api: httpx.AsyncClient, tag: str) -> str:
    body = {"title": f"Acción concurrente {tag}", "start_date": "2026-01-01", "lead_country": "PE"}
    return str(_created(await api.post("/api/roadmap/actions", json=body))["id"])


async def _new_user(api: httpx.AsyncClient, tag: str) -> str:
    body = {
        "email": f"r7-{tag}@example.org",
        "display_name": f"Persona concurrente {tag}",
        "roles": ["observer"],
        "password": f"una frase larga {tag}",
    }
    return str(_created(await api.post("/api/users", json=body))["id"])


# The update each resource takes (the fields its PUT wants, from what a GET shows), the field a
# change sets, and how to make the record.
def _library_fields(record: dict[str, Any], name: str) -> dict[str, Any]:
    keep = ("address", "admin_levels", "capabilities", "coordinates", "isil", "national_id", "status", "type")
    return {**{k: record[k] for k in keep if k in record}, "name": name}


def _agreement_terms(record: dict[str, Any], title: str) -> dict[str, Any]:
    parties = [{"kind": p["kind"], "ref": p["ref"]} for p in record["parties"]]
    keep = ("objectives", "type", "areas", "start_date", "end_date", "renewal")
    return {**{k: record[k] for k in keep if k in record}, "parties": parties, "title": title}


def _action_details(record: dict[str, Any], title: str) -> dict[str, Any]:
    keep = ("description", "due_date", "line_id", "participants", "priority", "start_date")
    return {**{k: record[k] for k in keep if k in record}, "title": title}


def _user_fields(record: dict[str, Any], display_name: str) -> dict[str, Any]:
    keep = ("active", "country", "roles", "working_groups")
    return {**{k: record[k] for k in keep if k in record}, "display_name": display_name}


RESOURCES: list[tuple[str, str, Callable[[httpx.AsyncClient, str], Awaitable[str]], Change, str]] = [
    ("library", "/api/members/libraries", _new_library, _library_fields, "name"),
    ("agreement", "/api/agreements/agreements", _new_draft_agreement, _agreement_terms, "title"),
    ("action", "/api/roadmap/actions", _new_action, _action_details, "title"),
    ("user", "/api/users", _new_user, _user_fields, "display_name"),
]


async def _read(api: httpx.AsyncClient, url: str) -> tuple[dict[str, Any], str]:
    response = await api.get(url)
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{record["version"]}"'
    return record, response.headers["etag"]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r[0] for r in RESOURCES])
async def test_two_updates_with_the_same_if_match_one_wins_and_the_other_gets_412(
    whole_platform: RunningPlatform,
    token: str,
    api: httpx.AsyncClient,
    resource: tuple[str, str, Callable[[httpx.AsyncClient, str], Awaitable[str]], Change, str],
) -> None:
    _, collection, create, change, field = resource
    tag = uuid.uuid4().hex[:10]
    url = f"{collection}/{await create(api, tag)}"
    record, etag = await _read(api, url)
    values = {"ana": f"Cambio de Ana {tag}", "bruno": f"Cambio de Bruno {tag}"}

    # Two clients of their own (two connections), both having read the same version.
    async with _client(whole_platform, token) as ana, _client(whole_platform, token) as bruno:
        answers = await asyncio.gather(
            ana.put(url, json=change(record, values["ana"]), headers={"If-Match": etag}),
            bruno.put(url, json=change(record, values["bruno"]), headers={"If-Match": etag}),
        )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 412], [(a.status_code, a.text[:300]) for a in answers]
    winner, loser = ("ana", "bruno") if answers[0].status_code == 200 else ("bruno", "ana")
    refused = answers[1] if winner == "ana" else answers[0]
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "version_mismatch"
    assert problem["status"] == 412
    assert problem["current_version"] == record["version"] + 1

    stored, new_etag = await _read(api, url)
    assert stored["version"] == record["version"] + 1
    assert stored[field] == values[winner]

    # The loser reads again and applies their change on the new version: nothing is lost.
    retried = await api.put(url, json=change(stored, values[loser]), headers={"If-Match": new_etag})
    assert retried.status_code == 200, retried.text
    final, _ = await _read(api, url)
    assert final["version"] == record["version"] + 2
    assert final[field] == values[loser]
