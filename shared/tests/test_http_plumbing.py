"""The HTTP plumbing every service gets: problem+json errors, auth, limits, health, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, ClassVar

import httpx
import pytest
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy import text

from sirbi_shared.auth import Principal, Role, TokenIssuer
from sirbi_shared.auth.dependencies import require_roles
from sirbi_shared.db import Database, SessionDep
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.service import ServiceDefinition, create_service_app
from sirbi_shared.settings import Environment, ServiceSettings
from tests.support.infra import Infrastructure


class ProbeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_PROBE_", extra="ignore")
    service_name: ClassVar[str] = "probe"


class ThingIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    count: int


router = APIRouter()
Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT))]


@router.post("/things", status_code=201)
async def create_thing(thing: ThingIn, session: SessionDep, principal: Secretariat) -> dict[str, str]:
    await session.execute(text("INSERT INTO things (name) VALUES (:name)"), {"name": thing.name})
    if thing.name == "refuse-after-writing":
        raise ProblemError(409, "thing_refused", "Written, then refused: the write must roll back.")
    return {"name": thing.name, "by": principal.subject}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals that must not leak")


@pytest.fixture
def issuer() -> TokenIssuer:
    return TokenIssuer.for_tests()


@pytest.fixture
async def client(
    infra: Infrastructure, database: Database, database_name: str, issuer: TokenIssuer
) -> AsyncIterator[httpx.AsyncClient]:
    async with database.transaction() as session:
        await session.execute(text("CREATE TABLE things (name text NOT NULL)"))
    settings = ProbeSettings(
        database_url=SecretStr(infra.postgres_url(database_name)),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        max_body_bytes=2048,
    )
    app = create_service_app(
        ServiceDefinition(
            name="probe",
            title="probe",
            description="test app",
            settings=settings,
            migrations="-",
            routers=[router],
        )
    )
    app.state.token_verifier = issuer.verifier()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as http:
            yield http


async def _things(database: Database) -> list[str]:
    async with database.transaction() as session:
        return list((await session.execute(text("SELECT name FROM things"))).scalars())


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"urn:sirbi:problem:{code}"
    assert body["title"]
    return body


async def test_an_authorised_write_commits(
    client: httpx.AsyncClient, issuer: TokenIssuer, database: Database
) -> None:
    token = issuer.mint("ana", [Role.SECRETARIAT])
    response = await client.post(
        "/things", json={"name": "atlas", "count": 1}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201
    assert response.json() == {"name": "atlas", "by": "ana"}
    assert await _things(database) == ["atlas"]


async def test_a_refused_write_rolls_back(
    client: httpx.AsyncClient, issuer: TokenIssuer, database: Database
) -> None:
    token = issuer.mint("ana", [Role.SECRETARIAT])
    response = await client.post(
        "/things",
        json={"name": "refuse-after-writing", "count": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    _problem(response, 409, "thing_refused")
    assert await _things(database) == []


@pytest.mark.parametrize(
    ("token_kind", "status", "code"),
    [
        ("none", 401, "authentication_required"),
        ("tampered", 401, "invalid_token"),
        ("expired", 401, "invalid_token"),
        ("foreign", 401, "invalid_token"),
        ("observer", 403, "forbidden"),
    ],
)
async def test_unauthorised_writes_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    issuer: TokenIssuer,
    database: Database,
    token_kind: str,
    status: int,
    code: str,
) -> None:
    tokens = {
        "none": None,
        "tampered": issuer.mint("ana", [Role.OBSERVER])[:-4] + "AAAA",
        "expired": issuer.mint("ana", [Role.SECRETARIAT], lifetime=timedelta(minutes=-5)),
        "foreign": TokenIssuer.for_tests().mint("mallory", [Role.SECRETARIAT]),
        "observer": issuer.mint("olga", [Role.OBSERVER], country="PE"),
    }
    token = tokens[token_kind]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/things", json={"name": "x", "count": 1}, headers=headers)
    _problem(response, status, code)
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert await _things(database) == []


async def test_bad_input_gets_problem_details(
    client: httpx.AsyncClient, issuer: TokenIssuer, database: Database
) -> None:
    auth = {"Authorization": f"Bearer {issuer.mint('ana', [Role.SECRETARIAT])}"}
    malformed = await client.post(
        "/things", content=b'{"name": ', headers={**auth, "content-type": "application/json"}
    )
    _problem(malformed, 400, "malformed_json")

    wrong = _problem(
        await client.post("/things", json={"name": "", "count": "many"}, headers=auth),
        422,
        "validation_failed",
    )
    errors = wrong["errors"]
    assert isinstance(errors, list)
    assert {tuple(e["location"]) for e in errors} == {("body", "name"), ("body", "count")}

    _problem(await client.get("/no-such-thing"), 404, "not_found")
    _problem(await client.delete("/things", headers=auth), 405, "method_not_allowed")
    assert await _things(database) == []


async def test_oversize_bodies_are_refused_with_or_without_a_length(
    client: httpx.AsyncClient, issuer: TokenIssuer
) -> None:
    auth = {
        "Authorization": f"Bearer {issuer.mint('ana', [Role.SECRETARIAT])}",
        "content-type": "application/json",
    }
    big = b'{"name": "' + b"x" * 5000 + b'", "count": 1}'
    _problem(await client.post("/things", content=big, headers=auth), 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 512):
            yield big[start : start + 512]

    _problem(await client.post("/things", content=chunks(), headers=auth), 413, "payload_too_large")


async def test_unexpected_errors_are_500_problems_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    body = _problem(response, 500, "internal_error")
    assert "secret internals" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]


async def test_request_id_and_trace_context_flow_through(client: httpx.AsyncClient) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await client.get(
        "/health/live",
        headers={
            "X-Request-ID": "9c1f0a7e2b3d4c5e8f9a0b1c2d3e4f50",
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
        },
    )
    assert response.headers["x-request-id"] == "9c1f0a7e2b3d4c5e8f9a0b1c2d3e4f50"
    assert response.headers["traceparent"].split("-")[1] == trace_id
    assert response.headers["traceparent"].split("-")[2] != "00f067aa0ba902b7"  # our own span


async def test_ready_when_database_and_kafka_answer_and_metrics_are_served(client: httpx.AsyncClient) -> None:
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert {name: check["status"] for name, check in ready.json()["checks"].items()} == {
        "database": "up",
        "kafka": "up",
    }
    assert (await client.get("/health/live")).json() == {"status": "live"}
    metrics = (await client.get("/metrics")).text
    assert (
        'sirbi_http_request_duration_seconds_count{method="GET",route="/health/ready",status="200"}'
        in metrics
    )


async def test_not_ready_when_the_database_is_unreachable(infra: Infrastructure) -> None:
    settings = ProbeSettings(
        database_url=SecretStr("postgresql+asyncpg://sirbi:wrong@127.0.0.1:9/nowhere"),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
    )
    app = create_service_app(
        ServiceDefinition(name="probe", title="probe", description="", settings=settings, migrations="-")
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://x") as http,
    ):
        response = await http.get("/health/ready")
    body = _problem(response, 503, "not_ready")
    assert body["checks"]["database"]["status"] == "down"  # type: ignore[index]
    assert body["checks"]["kafka"]["status"] == "up"  # type: ignore[index]


def test_production_refuses_local_defaults() -> None:
    with pytest.raises(ValueError, match="local default password"):
        ProbeSettings(
            environment=Environment.PRODUCTION,
            database_url=SecretStr("postgresql+asyncpg://sirbi:sirbi-local@db/x"),
        )
