"""The partner register: the secretariat keeps it, everyone reads it, every change is an event."""

from __future__ import annotations

from services.agreements.tests.conftest import AgreementsUnderTest
from services.agreements.tests.lifecycle import ok, problem, verbs

IFLA = {
    "name": "Federación Internacional de Asociaciones e Instituciones Bibliotecarias (IFLA)",
    "kind": "international_association",
    "country": "nl",
    "website": "https://www.ifla.org/",
}


async def test_register_update_and_read_partners(agreements: AgreementsUnderTest) -> None:
    created = ok(await agreements.client.post("/partners", json=IFLA, headers=agreements.secretariat), 201)
    assert created["country"] == "NL"
    problem(
        await agreements.client.post(
            "/partners", json={**IFLA, "name": IFLA["name"].upper()}, headers=agreements.secretariat
        ),
        409,
        "partner_exists",
    )
    problem(
        await agreements.client.post("/partners", json=IFLA, headers=agreements.representative("PE")),
        403,
        "forbidden",
    )
    problem(
        await agreements.client.post(
            "/partners", json={**IFLA, "kind": "club"}, headers=agreements.secretariat
        ),
        422,
        "validation_failed",
    )

    url = f"/partners/{created['id']}"
    renamed = {**IFLA, "website": "https://ifla.org/es/"}
    problem(
        await agreements.client.put(url, json=renamed, headers=agreements.secretariat),
        428,
        "if_match_required",
    )
    updated = ok(
        await agreements.client.put(url, json=renamed, headers={**agreements.secretariat, "If-Match": '"1"'})
    )
    assert (updated["version"], updated["website"]) == (2, "https://ifla.org/es/")
    same = ok(
        await agreements.client.put(url, json=renamed, headers={**agreements.secretariat, "If-Match": '"2"'})
    )
    assert same["version"] == 2  # nothing changed: no new version, no event
    problem(
        await agreements.client.put(url, json=renamed, headers={**agreements.secretariat, "If-Match": '"1"'}),
        412,
        "version_mismatch",
    )

    assert [p["name"] for p in (await agreements.client.get("/partners")).json()] == [IFLA["name"]]
    assert await verbs(agreements, created["id"]) == ["registered", "updated"]
    history = (await agreements.client.get(f"{url}/history")).json()
    assert [(h["version"], h["actor"]) for h in history] == [(1, "ana.secretariat"), (2, "ana.secretariat")]
    problem(
        await agreements.client.get("/partners/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"),
        404,
        "partner_not_found",
    )
