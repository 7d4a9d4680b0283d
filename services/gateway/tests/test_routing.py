"""The services behind the gateway: the same answers as straight from them, identity passed as a
verified token, bodies streamed both ways, and a service that is down answered at once."""

from __future__ import annotations

import asyncio
import uuid

from services.gateway.tests.conftest import Platform, problem
from services.gateway.tests.test_identity import bearer, secretariat_tokens
from sirbi_members.imports.csv_rows import HEADER


async def test_a_read_through_the_gateway_is_the_services_answer(platform: Platform) -> None:
    through = await platform.gateway.client.get("/api/members/member-states/PE")
    straight = await platform.members.client.get("/member-states/PE")
    assert through.status_code == 200
    assert through.json() == straight.json()
    assert through.headers["etag"] == straight.headers["etag"]
    request_id = uuid.uuid4().hex
    missing = await platform.gateway.client.get(
        "/api/members/member-states/ZZ", headers={"X-Request-ID": request_id}
    )
    # The service's own problem answer names the request id the gateway forwarded.
    assert problem(missing, 404, "member_state_not_found")["request_id"] == request_id
    assert missing.headers["x-request-id"] == request_id
    problem(await platform.gateway.client.get("/api/elsewhere/x"), 404, "not_found")
    # Paths and query strings go on as the caller encoded them.
    encoded = await platform.gateway.client.get("/api/members/member-states/%50E")
    assert encoded.json() == straight.json()
    search = "/libraries?country=PE&q=Biblioteca%20P%C3%BAblica%20N.%C2%BA%201&limit=5"
    searched, searched_straight = (
        await platform.gateway.client.get(f"/api/members{search}"),
        await platform.members.client.get(search),
    )
    assert searched.status_code == 200
    assert searched.json() == searched_straight.json()


async def test_roles_and_countries_are_the_services_to_check(platform: Platform) -> None:
    gateway = platform.gateway
    admin = bearer(await secretariat_tokens(platform))
    new_rep = {
        "email": "rep.chile@example.org",
        "password": "una frase larga de Chile",
        "display_name": "Representación de Chile",
        "roles": ["representative"],
        "country": "CL",
    }
    assert (await gateway.client.post("/api/users", json=new_rep, headers=admin)).status_code == 201
    chile = bearer(
        (
            await gateway.client.post(
                "/api/auth/login", json={"email": new_rep["email"], "password": new_rep["password"]}
            )
        ).json()
    )

    etag = (await gateway.client.get("/api/members/member-states/PE")).headers["etag"]
    suspend = {"reason": "Cuotas impagas"}
    problem(
        await gateway.client.post(
            "/api/members/member-states/PE/suspend", json=suspend, headers={**chile, "If-Match": etag}
        ),
        403,
        "forbidden",
    )
    problem(
        await gateway.client.post(
            "/api/members/member-states/PE/suspend", json=suspend, headers={"If-Match": etag}
        ),
        401,
        "authentication_required",
    )
    done = await gateway.client.post(
        "/api/members/member-states/PE/suspend", json=suspend, headers={**admin, "If-Match": etag}
    )
    assert done.status_code == 200, done.text
    history = (await platform.members.client.get("/member-states/PE/history")).json()
    assert history[-1]["actor"] == (await gateway.client.get("/api/auth/me", headers=admin)).json()["subject"]

    network = {
        "country": "PE",
        "kind": "public",
        "official_name": "Red de prueba",
        "governing_entity": "BNP",
        "status": "constituted",
    }
    problem(
        await gateway.client.post("/api/members/networks", json=network, headers=chile), 403, "country_scope"
    )


async def test_api_keys_read_but_do_not_write(platform: Platform) -> None:
    gateway = platform.gateway
    admin = bearer(await secretariat_tokens(platform))
    reader = (
        await gateway.client.post("/api/clients", json={"name": "Lector", "scopes": ["read"]}, headers=admin)
    ).json()
    subscriber = (
        await gateway.client.post(
            "/api/clients", json={"name": "Suscriptor", "scopes": ["subscribe"]}, headers=admin
        )
    ).json()
    read = await gateway.client.get("/api/members/member-states/CO", headers={"X-API-Key": reader["api_key"]})
    assert read.status_code == 200
    problem(
        await gateway.client.get(
            "/api/members/member-states/CO", headers={"X-API-Key": subscriber["api_key"]}
        ),
        403,
        "scope",
    )
    etag = read.headers["etag"]
    write = await gateway.client.post(
        "/api/members/member-states/CO/suspend",
        json={"reason": "x y z"},
        headers={"X-API-Key": reader["api_key"], "If-Match": etag},
    )
    problem(write, 403, "scope")


async def test_an_import_and_an_export_stream_through_the_gateway(platform: Platform) -> None:
    gateway = platform.gateway
    admin = bearer(await secretariat_tokens(platform))
    rows = [
        ",".join(
            [
                f"PE-G{i:05d}",
                "",
                f"Biblioteca Municipal {i}",
                "public",
                "Lima",
                "Lima",
                "Miraflores",
                "",
                f"Av. {i}",
                "",
                "",
                "open",
                "internet_access",
            ]
        )
        for i in range(3000)
    ]
    rows.append(
        ",".join(["PE-G00001", "", "Duplicada", "public", "Lima", "", "", "", "", "", "", "open", ""])
    )
    body = ("\n".join([",".join(HEADER), *rows]) + "\n").encode()

    async def chunks() -> object:
        for start in range(0, len(body), 16_384):  # the upload arrives in pieces, as from a browser
            yield body[start : start + 16_384]

    started = await gateway.client.post(
        "/api/members/libraries/imports",
        params={"country": "PE", "file_name": "directorio.csv"},
        content=chunks(),  # type: ignore[arg-type]
        headers={**admin, "content-type": "text/csv"},
    )
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]
    assert job_url.startswith("/api/members/libraries/imports/")
    async with asyncio.timeout(60):
        while (job := (await gateway.client.get(job_url)).json())["status"] not in ("completed", "failed"):
            await asyncio.sleep(0.2)
    assert (job["created"], job["rejected"]) == (3000, 1)

    lines = 0
    async with gateway.client.stream(
        "GET", "/api/members/libraries/export.csv", params={"country": "PE"}
    ) as export:
        assert export.status_code == 200
        assert export.headers["content-type"].startswith("text/csv")
        async for line in export.aiter_lines():
            lines += 1 if line.strip() else 0
    assert lines == 3001  # the header and every imported library


async def test_a_service_that_is_down_is_a_503_naming_it(platform: Platform) -> None:
    async with asyncio.timeout(10):  # answered, never a hang
        down = await platform.gateway.client.get("/api/roadmap/actions")
    body = problem(down, 503, "service_unavailable")
    assert body["service"] == "roadmap"
    assert "roadmap" in body["detail"]
