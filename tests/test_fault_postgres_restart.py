"""R3: PostgreSQL goes away and comes back while a service runs. Readiness turns red, then green
again without restarting the service; no request meanwhile gets a bare 500 (a 503 problem that
says the database is away, and changes nothing); afterwards reads and writes work again on the
same process, its pool having replaced the connections that died."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from sirbi_members.app import create_app
from sirbi_members.demo_data import seed_reference_data
from sirbi_members.settings import Settings
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.services import ServiceUnderTest, started_service

pytestmark = pytest.mark.fault


async def _ready(members: ServiceUnderTest) -> bool:
    return (await members.client.get("/health/ready")).status_code == 200


async def _not_ready(members: ServiceUnderTest) -> bool:
    return not await _ready(members)


def _register(members: ServiceUnderTest) -> asyncio.Future[httpx.Response]:
    body = {
        "country": "PE",
        "kind": "public",
        "official_name": f"Red de bibliotecas {uuid.uuid4().hex[:10]}",
        "governing_entity": "Biblioteca Nacional del Perú",
        "status": "constituted",
    }
    return asyncio.ensure_future(members.client.post("/networks", json=body, headers=members.secretariat))


async def test_a_service_rides_out_a_postgres_outage_without_a_bare_500(infra: Infrastructure) -> None:
    database = f"t_pgout_{uuid.uuid4().hex[:8]}"
    infra.create_database(database)
    async with started_service(
        infra,
        database,
        name="members",
        migrations="sirbi_members:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
    ) as members:
        await seed_reference_data(members.database)
        # Warm the pool: these connections are the ones the outage kills.
        for response in await asyncio.gather(*(_register(members) for _ in range(6))):
            assert response.status_code == 201, response.text

        await asyncio.to_thread(infra.stop_postgres)
        try:
            await wait_until(lambda: _not_ready(members), what="readiness red while PostgreSQL is down")
            during = [await _register(members) for _ in range(4)]
            during += [await members.client.get("/member-states/PE", headers=members.secretariat)]
        finally:
            await asyncio.to_thread(infra.start_postgres)

        for response in during:
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "database_unavailable"
            assert response.headers["retry-after"]

        await wait_until(lambda: _ready(members), what="readiness green again, same process")
        # The first request on each dead pooled connection may still meet it; none may be a 500,
        # and within a few tries every request goes through.
        outcomes = [await _register(members) for _ in range(12)]
        assert all(r.status_code in (201, 503) for r in outcomes), [r.text for r in outcomes]
        assert outcomes[-1].status_code == 201
        names_written = {r.json()["official_name"] for r in outcomes if r.status_code == 201}
        listed = await members.client.get("/networks?country=PE&limit=200", headers=members.secretariat)
        assert names_written <= {n["official_name"] for n in listed.json()["items"]}
