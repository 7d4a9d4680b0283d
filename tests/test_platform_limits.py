"""Bad sizes and bad input through the gateway of the whole platform ("Bad input everywhere").

What the tests prove, for every service (members, agreements, roadmap) and the gateway itself:

- a JSON body over the body limit (SIRBI_MAX_BODY_BYTES, 1 MiB by default) is a 413
  `payload_too_large` problem, whether its size is declared (Content-Length) or only found while
  reading (chunked), at the gateway and at each service reached directly; nothing is created;
- a directory CSV over the members service's import limit is a 413 through the gateway and no
  import job is started, while one over the generic body limit but within the import limit does
  reach the members service (the gateway applies the import limit to the import path);
- a page size over the maximum is a 422 `validation_failed` naming `limit`;
- a cursor the API did not issue (garbage, the wrong shape, or forged with values of the right
  shape that the database cannot compare) is a 400 `invalid_cursor`, never a 500; a cursor past
  the end is an empty last page;
- malformed JSON is a 400 `malformed_json` and a wrong type a 422 `validation_failed` naming the
  field; nothing is created.

Every error is application/problem+json with its stable `code`; "nothing created" is checked
through the API, the way a client would look.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.whole_platform import MEMBERS_MAX_IMPORT_BYTES, RunningPlatform

# The platform's default body limit (shared/src/sirbi_shared/settings.py, SIRBI_MAX_BODY_BYTES):
# whole_platform does not change it.
MAX_BODY_BYTES = 1_048_576
CHUNK = 64 * 1024


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    return body


def _field_named(problem: dict[str, Any], field: str) -> None:
    locations = [error["location"] for error in problem["errors"]]
    assert any(field in location for location in locations), locations


def _cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    # An async iterator as content: httpx sends it chunked, with no Content-Length.
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


@pytest.fixture(scope="module")
async def token(whole_platform: RunningPlatform) -> str:
    async with httpx.AsyncClient(base_url=whole_platform.gateway_url, timeout=30) as client:
        response = await client.post(
            "/api/auth/login",
            json={"email": whole_platform.secretariat_email, "password": whole_platform.secretariat_password},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


@pytest.fixture
async def api(whole_platform: RunningPlatform, token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=whole_platform.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        yield client


def _padded(fields: dict[str, Any], padding_field: str) -> bytes:
    """Valid JSON just over the body limit: a string field carries the excess."""
    return json.dumps({**fields, padding_field: "x" * (MAX_BODY_BYTES + 1)}).encode()


# One mutating endpoint per service, and the gateway's own: (gateway path, service, service path,
# the body's fields, the field carrying the padding, how to look for what it would have created).
OVERSIZE_TARGETS = [
    ("/api/members/libraries", "members", "/libraries", {"country": "PE"}, "name", "libraries"),
    ("/api/agreements/partners", "agreements", "/partners", {"kind": "ngo"}, "name", "partners"),
    (
        "/api/roadmap/actions",
        "roadmap",
        "/actions",
        {"lead_country": "PE", "start_date": "2026-01-01"},
        "title",
        "actions",
    ),
    (
        "/api/users",
        "gateway",
        "/api/users",
        {"roles": ["observer"], "password": "p" * 20},
        "display_name",
        "users",
    ),
]


async def _created_anything(api: httpx.AsyncClient, kind: str, tag: str) -> bool:
    """Whether a record carrying `tag` exists, found the way a client would find it."""
    path = {
        "libraries": f"/api/members/libraries?country=PE&q={tag}",
        "partners": "/api/agreements/partners",
        "actions": "/api/roadmap/actions?country=PE&limit=200",
        "users": "/api/users",
    }[kind]
    response = await api.get(path)
    assert response.status_code == 200, response.text
    return tag in response.text


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("direct", [False, True], ids=["through-gateway", "straight-to-service"])
@pytest.mark.parametrize("target", OVERSIZE_TARGETS, ids=[t[1] for t in OVERSIZE_TARGETS])
async def test_an_oversize_json_body_is_a_413_problem_and_creates_nothing(
    whole_platform: RunningPlatform,
    api: httpx.AsyncClient,
    token: str,
    target: tuple[str, str, str, dict[str, Any], str, str],
    direct: bool,
    chunked: bool,
) -> None:
    gateway_path, service, service_path, fields, padding_field, kind = target
    tag = f"oversize{uuid.uuid4().hex[:10]}"
    fields = {**fields, "email": f"{tag}@example.org"} if kind == "users" else fields
    # The tag starts the padded field, so a record half-written from it would carry the tag.
    body = _padded(fields, padding_field).replace(b'"xxxx', f'"{tag}'.encode(), 1)
    url = f"{whole_platform.service_urls[service]}{service_path}" if direct else gateway_path
    content: bytes | AsyncIterator[bytes] = _chunks(body) if chunked else body
    response = await api.post(
        url,
        content=content,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    _problem(response, 413, "payload_too_large")
    assert not await _created_anything(api, kind, tag)


def _directory_csv(size: int, tag: str) -> bytes:
    """A directory CSV of at least `size` bytes whose rows would all be rejected (an unknown
    library type), so that even if it were let in it would leave no library behind."""
    header = b"isil,national_id,name,type,admin_1,admin_2,admin_3,admin_4,address,latitude,longitude,status,capabilities\n"
    row = f",{tag},Biblioteca {tag},not-a-type,Lima,Lima,Lima,,,,,open,\n".encode()
    return header + row * (size // len(row) + 1)


async def _import_jobs(api: httpx.AsyncClient, tag: str) -> list[dict[str, Any]]:
    response = await api.get("/api/members/libraries/imports", params={"country": "PE"})
    assert response.status_code == 200, response.text
    jobs: list[dict[str, Any]] = response.json()
    return [job for job in jobs if job.get("file_name") == tag]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_oversize_directory_import_is_a_413_and_starts_no_job(
    api: httpx.AsyncClient, chunked: bool
) -> None:
    tag = f"oversize{uuid.uuid4().hex[:10]}"
    body = _directory_csv(MEMBERS_MAX_IMPORT_BYTES + 1, tag)
    response = await api.post(
        "/api/members/libraries/imports",
        params={"country": "PE", "file_name": tag},
        content=_chunks(body) if chunked else body,
        headers={"Content-Type": "text/csv"},
    )
    _problem(response, 413, "payload_too_large")
    assert await _import_jobs(api, tag) == []
    search = await api.get("/api/members/libraries", params={"country": "PE", "q": tag})
    assert search.json()["items"] == []


async def test_an_import_over_the_body_limit_but_within_the_import_limit_reaches_the_members_service(
    api: httpx.AsyncClient,
) -> None:
    # The members service takes imports up to its own limit; the gateway in front must not refuse
    # them at the generic body limit. A header that is not the directory's makes the members
    # service itself answer (422), and nothing is started.
    tag = f"midsize{uuid.uuid4().hex[:10]}"
    body = b"not,the,directory,header\n" + b"a,b,c,d\n" * ((MAX_BODY_BYTES + CHUNK) // 8)
    assert MAX_BODY_BYTES < len(body) < MEMBERS_MAX_IMPORT_BYTES
    response = await api.post(
        "/api/members/libraries/imports",
        params={"country": "PE", "file_name": tag},
        content=body,
        headers={"Content-Type": "text/csv"},
    )
    _problem(response, 422, "invalid_csv_header")
    assert await _import_jobs(api, tag) == []


LISTS = [
    "/api/members/libraries",
    "/api/members/networks",
    "/api/members/representatives",
    "/api/agreements/agreements",
    "/api/roadmap/actions",
    "/api/activity",
]


@pytest.mark.parametrize("path", LISTS)
async def test_too_many_rows_per_page_is_a_422_naming_limit(api: httpx.AsyncClient, path: str) -> None:
    for limit in ("10000", "0", "-1", "many"):
        problem = _problem(await api.get(path, params={"limit": limit}), 422, "validation_failed")
        _field_named(problem, "limit")


# Cursors no list issued: not base64, not JSON, the wrong shape, and forged ones of the right
# length whose values the database cannot take (a NUL in a text key, an integer past bigint, a
# date no calendar has).
BAD_CURSORS = [
    "%%%not-base64%%%",
    base64.urlsafe_b64encode(b"\xff\xfe not json").decode(),
    _cursor({"a": 1}),
    _cursor([]),
    _cursor(["x"] * 7),
]
FORGED_CURSORS: dict[str, list[list[Any]]] = {
    "/api/members/libraries": [
        ["PE", "a\u0000b", str(uuid.uuid4())],
        ["P\u0000", "x", str(uuid.uuid4())],
        [1, 2, 3],
    ],
    "/api/members/networks": [["PE", "a\u0000b", str(uuid.uuid4())], ["PE", "x", "not-a-uuid"]],
    "/api/members/representatives": [["PE", "a\u0000b", str(uuid.uuid4())]],
    "/api/agreements/agreements": [["a\u0000b"], [12], [None]],
    "/api/roadmap/actions": [["99999-01-01T00:00:00", str(uuid.uuid4())], ["2026-01-01", "nope"], [1, 2]],
    "/api/activity": [[2**70], [-(2**70)], ["12"], [True]],
}


@pytest.mark.parametrize("path", LISTS)
async def test_a_cursor_the_api_did_not_issue_is_a_400_invalid_cursor(
    api: httpx.AsyncClient, path: str
) -> None:
    for cursor in [*BAD_CURSORS, *(_cursor(key) for key in FORGED_CURSORS[path])]:
        response = await api.get(path, params={"cursor": cursor})
        _problem(response, 400, "invalid_cursor")


async def test_a_cursor_past_the_end_is_an_empty_last_page(api: httpx.AsyncClient) -> None:
    # Deep pagination costs nothing: the cursor is a sort key, not an offset.
    far = {
        "/api/members/libraries": ["ZZ", "zzzz", str(uuid.UUID(int=2**128 - 1))],
        "/api/agreements/agreements": ["zzzzzzzz"],
        "/api/roadmap/actions": ["9999-12-31T00:00:00+00:00", str(uuid.UUID(int=2**128 - 1))],
        "/api/activity": [0],
    }
    for path, key in far.items():
        response = await api.get(path, params={"cursor": _cursor(key)})
        assert response.status_code == 200, (path, response.text)
        assert response.json()["items"] == []
        assert response.json().get("next_cursor") is None


# One create per service and the gateway's: a body with a field of the wrong type, and the field.
WRONG_TYPES = [
    ("/api/members/libraries", {"country": "PE", "name": ["not", "a", "name"]}, "name", "libraries"),
    ("/api/agreements/partners", {"kind": "ngo", "name": {"a": 1}}, "name", "partners"),
    (
        "/api/roadmap/actions",
        {"lead_country": "PE", "title": "Una acción", "start_date": 20260101},
        "start_date",
        "actions",
    ),
    (
        "/api/users",
        {"email": "x@example.org", "display_name": "Una persona", "roles": "observer", "password": "p" * 20},
        "roles",
        "users",
    ),
]


@pytest.mark.parametrize("target", WRONG_TYPES, ids=[t[3] for t in WRONG_TYPES])
async def test_malformed_json_and_wrong_types_are_problems_and_create_nothing(
    api: httpx.AsyncClient, target: tuple[str, dict[str, Any], str, str]
) -> None:
    path, fields, field, kind = target
    tag = f"badinput{uuid.uuid4().hex[:10]}"
    truncated = json.dumps({**fields, "address": tag})[:-5].encode()
    problem = _problem(
        await api.post(path, content=truncated, headers={"Content-Type": "application/json"}),
        400,
        "malformed_json",
    )
    assert problem["errors"]
    wrong = {**fields, "email": f"{tag}@example.org"} if kind == "users" else {**fields, "address": tag}
    problem = _problem(await api.post(path, json=wrong), 422, "validation_failed")
    _field_named(problem, field)
    # Valid JSON that is not an object at all.
    _problem(await api.post(path, json=[1, 2, 3]), 422, "validation_failed")
    assert not await _created_anything(api, kind, tag)
