"""Representatives over HTTP: appointment, contact data only for signed-in callers, networks of
the same country, ending an appointment, country scope, concurrency, listing, history, events."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from services.members.tests.conftest import MembersUnderTest
from services.members.tests.test_networks import (
    CHILE_NETWORK,
    PERU_NETWORK,
    problem,
    read_events,
    register_member_states,
    register_network,
    representative_of,
)
from sirbi_members.representatives.models import Representative
from sirbi_shared.auth import Role
from sirbi_shared.http.pagination import encode_cursor

FOCAL_POINT = {
    "country": "PE",
    "name": "María Quispe",
    "position": "Directora de Bibliotecas Públicas",
    "entity": "Biblioteca Nacional del Perú",
    "role": "focal_point",
    "email": "maria.quispe@example.org",
    "phone": "+51 1 555 0100",
    "appointed_on": "2026-03-01",
}
CONTACT = ("email", "phone")


async def appoint(
    members: MembersUnderTest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await members.client.post(
        "/representatives", json=body, headers=headers or members.secretariat
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _stored(members: MembersUnderTest, representative_id: str) -> Representative:
    async with members.database.transaction() as session:
        return (
            await session.execute(
                select(Representative).where(Representative.id == uuid.UUID(representative_id))
            )
        ).scalar_one()


async def _count(members: MembersUnderTest) -> int:
    async with members.database.transaction() as session:
        return len((await session.execute(select(Representative.id))).all())


async def test_contact_data_is_shown_only_to_signed_in_callers(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    created = await members.client.post("/representatives", json=FOCAL_POINT, headers=members.secretariat)
    assert created.status_code == 201, created.text
    appointed = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/representatives/{appointed['id']}"
    assert {k: appointed[k] for k in CONTACT} == {k: FOCAL_POINT[k] for k in CONTACT}
    assert (appointed["ended_on"], appointed["network_id"], appointed["version"]) == (None, None, 1)

    url = f"/representatives/{appointed['id']}"
    anonymous = await members.client.get(url)
    assert anonymous.status_code == 200
    assert anonymous.headers["etag"] == '"1"'
    assert {k: anonymous.json()[k] for k in CONTACT} == {"email": None, "phone": None}
    assert anonymous.json() | dict.fromkeys(CONTACT) == appointed | dict.fromkeys(CONTACT)

    observer = await members.client.get(url, headers=members.auth(Role.OBSERVER))
    assert observer.json() == appointed, "any signed-in caller sees the contact data"

    listed_anonymously = (await members.client.get("/representatives")).json()["items"]
    assert [(r["id"], r["email"], r["phone"]) for r in listed_anonymously] == [(appointed["id"], None, None)]
    listed_signed_in = (
        await members.client.get("/representatives", headers=members.auth(Role.OBSERVER))
    ).json()
    assert listed_signed_in["items"] == [appointed]

    problem(
        await members.client.get(url, headers={"Authorization": "Bearer not-a-token"}), 401, "invalid_token"
    )
    problem(await members.client.get(f"/representatives/{uuid.uuid4()}"), 404, "representative_not_found")


@pytest.mark.parametrize(
    "change",
    [
        {"role": "president"},
        {"email": "not an email"},
        {"phone": "call me"},
        {"position": None},
        {"email": None},
        {"name": "Another Name"},  # the appointment is of this person; a new person is a new appointment
        {"country": "CL"},
        {"ended_on": "2027-01-01"},  # ending is its own command
        {},
    ],
)
async def test_invalid_updates_are_refused(members: MembersUnderTest, change: dict[str, Any]) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    problem(
        await members.client.patch(
            f"/representatives/{appointed['id']}",
            json=change,
            headers={**members.secretariat, "If-Match": '"1"'},
        ),
        422,
        "validation_failed",
    )
    stored = await _stored(members, appointed["id"])
    assert (stored.role, stored.email, stored.version) == ("focal_point", FOCAL_POINT["email"], 1)


@pytest.mark.parametrize(
    "change",
    [
        {"role": "president"},
        {"email": "maria.quispe"},
        {"appointed_on": "yesterday"},
        {"country": "XX"},
        {"name": ""},
        {"ended_on": "2027-01-01"},
    ],
)
async def test_invalid_appointments_are_refused(members: MembersUnderTest, change: dict[str, Any]) -> None:
    await register_member_states(members, "PE")
    problem(
        await members.client.post(
            "/representatives", json={**FOCAL_POINT, **change}, headers=members.secretariat
        ),
        422,
        "validation_failed",
    )
    assert await _count(members) == 0


async def test_update_changes_only_what_is_sent(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    updated = await members.client.patch(
        f"/representatives/{appointed['id']}",
        json={"position": "Jefa de la Red", "phone": None, "role": "alternate"},
        headers={**representative_of(members, "PE"), "If-Match": '"1"'},
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    assert updated.json() == appointed | {
        "position": "Jefa de la Red",
        "phone": None,
        "role": "alternate",
        "version": 2,
        "updated_at": updated.json()["updated_at"],
    }
    stored = await _stored(members, appointed["id"])
    assert (stored.position, stored.phone, stored.role, stored.version) == (
        "Jefa de la Red",
        None,
        "alternate",
        2,
    )


async def test_member_state_and_network_must_match(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE", "CL")
    peru = await register_network(members, PERU_NETWORK)
    chile = await register_network(members, CHILE_NETWORK)

    unknown = problem(
        await members.client.post(
            "/representatives", json={**FOCAL_POINT, "country": "BO"}, headers=members.secretariat
        ),
        422,
        "unknown_member_state",
    )
    assert unknown["member_state"] == "BO"
    for network_id in (chile["id"], str(uuid.uuid4())):
        problem(
            await members.client.post(
                "/representatives",
                json={**FOCAL_POINT, "network_id": network_id},
                headers=members.secretariat,
            ),
            422,
            "network_not_in_country",
        )
    assert await _count(members) == 0

    appointed = await appoint(members, {**FOCAL_POINT, "network_id": peru["id"]})
    assert appointed["network_id"] == peru["id"]
    url = f"/representatives/{appointed['id']}"
    problem(
        await members.client.patch(
            url, json={"network_id": chile["id"]}, headers={**members.secretariat, "If-Match": '"1"'}
        ),
        422,
        "network_not_in_country",
    )
    assert (await _stored(members, appointed["id"])).network_id == uuid.UUID(peru["id"])

    detached = await members.client.patch(
        url, json={"network_id": None}, headers={**members.secretariat, "If-Match": '"1"'}
    )
    assert detached.status_code == 200, detached.text
    assert detached.json()["network_id"] is None


async def test_ending_an_appointment(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    url = f"/representatives/{appointed['id']}/end"
    headers = {**members.secretariat, "If-Match": '"1"'}

    early = problem(
        await members.client.post(url, json={"ended_on": "2026-02-28"}, headers=headers),
        422,
        "ended_before_appointed",
    )
    assert early["appointed_on"] == "2026-03-01"
    problem(await members.client.post(url, json={}, headers=headers), 422, "validation_failed")
    stored = await _stored(members, appointed["id"])
    assert (stored.ended_on, stored.version) == (None, 1)

    ended = await members.client.post(url, json={"ended_on": "2026-03-01"}, headers=headers)
    assert ended.status_code == 200, ended.text
    assert ended.headers["etag"] == '"2"'
    assert (ended.json()["ended_on"], ended.json()["version"]) == ("2026-03-01", 2)

    twice = problem(
        await members.client.post(
            url, json={"ended_on": "2026-04-01"}, headers={**members.secretariat, "If-Match": '"2"'}
        ),
        409,
        "representative_already_ended",
    )
    assert twice["ended_on"] == "2026-03-01"
    stored = await _stored(members, appointed["id"])
    assert (str(stored.ended_on), stored.version) == ("2026-03-01", 2)


async def test_a_representative_changes_only_representatives_of_their_country(
    members: MembersUnderTest,
) -> None:
    await register_member_states(members, "PE", "CL")
    chilean = await appoint(members, {**FOCAL_POINT, "country": "CL", "name": "Juan Soto"})
    peruvian = representative_of(members, "PE")
    url = f"/representatives/{chilean['id']}"

    attempts = [
        members.client.post("/representatives", json={**FOCAL_POINT, "country": "CL"}, headers=peruvian),
        members.client.patch(url, json={"position": "Otro"}, headers={**peruvian, "If-Match": '"1"'}),
        members.client.post(
            f"{url}/end", json={"ended_on": "2026-12-31"}, headers={**peruvian, "If-Match": '"1"'}
        ),
    ]
    for response in await asyncio.gather(*attempts):
        problem(response, 403, "country_scope")
    assert await _count(members) == 1
    stored = await _stored(members, chilean["id"])
    assert (stored.position, stored.ended_on, stored.version) == (FOCAL_POINT["position"], None, 1)

    own = await appoint(members, FOCAL_POINT, headers=peruvian)
    assert own["country"] == "PE"
    ended = await members.client.post(
        f"/representatives/{own['id']}/end",
        json={"ended_on": "2026-12-31"},
        headers={**peruvian, "If-Match": '"1"'},
    )
    assert ended.status_code == 200, ended.text


@pytest.mark.parametrize(
    ("roles", "status", "code"),
    [
        ((), 401, "authentication_required"),
        ((Role.OBSERVER,), 403, "forbidden"),
        ((Role.WG_MEMBER,), 403, "forbidden"),
    ],
)
async def test_readers_cannot_change_representatives(
    members: MembersUnderTest, roles: tuple[Role, ...], status: int, code: str
) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    headers = members.auth(*roles, country="PE") if roles else {}
    url = f"/representatives/{appointed['id']}"
    attempts = [
        members.client.post("/representatives", json=FOCAL_POINT, headers=headers),
        members.client.patch(url, json={"position": "Otro"}, headers={**headers, "If-Match": '"1"'}),
        members.client.post(
            f"{url}/end", json={"ended_on": "2026-12-31"}, headers={**headers, "If-Match": '"1"'}
        ),
    ]
    for response in await asyncio.gather(*attempts):
        problem(response, status, code)
    assert await _count(members) == 1
    stored = await _stored(members, appointed["id"])
    assert (stored.position, stored.ended_on, stored.version) == (FOCAL_POINT["position"], None, 1)


async def test_changes_need_the_current_version(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    url = f"/representatives/{appointed['id']}"
    for method, path, body in (
        ("PATCH", url, {"position": "Otro"}),
        ("POST", f"{url}/end", {"ended_on": "2026-12-31"}),
    ):
        problem(
            await members.client.request(method, path, json=body, headers=members.secretariat),
            428,
            "if_match_required",
        )
        stale = problem(
            await members.client.request(
                method, path, json=body, headers={**members.secretariat, "If-Match": '"3"'}
            ),
            412,
            "version_mismatch",
        )
        assert stale["current_version"] == 1
    stored = await _stored(members, appointed["id"])
    assert (stored.position, stored.ended_on, stored.version) == (FOCAL_POINT["position"], None, 1)


async def test_list_filters_and_walks_pages_with_cursors(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE", "CL")
    people = [
        ("PE", "focal_point", "María Quispe", False),
        ("PE", "alternate", "Luis Huamán", True),
        ("PE", "alternate", "Rosa Flores", False),
        ("CL", "focal_point", "Juan Soto", False),
        ("CL", "alternate", "Ana Rojas", True),
    ]
    for country, role, name, ended in people:
        appointed = await appoint(members, {**FOCAL_POINT, "country": country, "role": role, "name": name})
        if ended:
            response = await members.client.post(
                f"/representatives/{appointed['id']}/end",
                json={"ended_on": "2026-06-30"},
                headers={**members.secretariat, "If-Match": '"1"'},
            )
            assert response.status_code == 200, response.text

    seen: list[tuple[str, str]] = []
    page_sizes: list[int] = []
    cursor: str | None = None
    for _ in range(10):  # a cursor that loops must fail the test, not hang it
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await members.client.get("/representatives", params=params)).json()
        page_sizes.append(len(page["items"]))
        seen += [(r["country"], r["name"]) for r in page["items"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    else:
        pytest.fail("the cursors never reached the last page")
    assert page_sizes == [2, 2, 1]
    assert seen == sorted((c, n) for c, _, n, _ in people), "ordered by country then name, each once"

    async def names(**filters: str) -> list[str]:
        response = await members.client.get("/representatives", params=filters)
        assert response.status_code == 200, response.text
        return [r["name"] for r in response.json()["items"]]

    assert await names(country="pe") == ["Luis Huamán", "María Quispe", "Rosa Flores"]
    assert await names(role="focal_point") == ["Juan Soto", "María Quispe"]
    assert await names(active="true") == ["Juan Soto", "María Quispe", "Rosa Flores"]
    assert await names(active="false", country="PE") == ["Luis Huamán"]
    assert await names(country="PE", role="alternate", active="true") == ["Rosa Flores"]

    for bad in ("%%%", encode_cursor(["PE"]), encode_cursor(["PE", "Ana", 7])):
        problem(await members.client.get("/representatives", params={"cursor": bad}), 400, "invalid_cursor")


async def test_history_records_every_change_and_its_actor_without_contact_data(
    members: MembersUnderTest,
) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    url = f"/representatives/{appointed['id']}"
    pe = representative_of(members, "PE")
    await members.client.patch(url, json={"email": "new@example.org"}, headers={**pe, "If-Match": '"1"'})
    await members.client.post(
        f"{url}/end", json={"ended_on": "2026-12-31"}, headers={**pe, "If-Match": '"2"'}
    )

    history = (await members.client.get(f"{url}/history")).json()
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "appointed", "ana.secretariat"),
        (2, "updated", "rep.pe"),
        (3, "ended", "rep.pe"),
    ]
    assert history[-1]["state"]["ended_on"] == "2026-12-31"
    for entry in history:
        assert not set(CONTACT) & entry["state"].keys()
        assert "example.org" not in json.dumps(entry)
    problem(
        await members.client.get(f"/representatives/{uuid.uuid4()}/history"), 404, "representative_not_found"
    )


async def test_events_carry_the_representative_without_contact_data(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    appointed = await appoint(members, FOCAL_POINT)
    url = f"/representatives/{appointed['id']}"
    await members.client.patch(
        url, json={"position": "Jefa"}, headers={**members.secretariat, "If-Match": '"1"'}
    )
    await members.client.post(
        f"{url}/end", json={"ended_on": "2026-12-31"}, headers={**members.secretariat, "If-Match": '"2"'}
    )

    events = await read_events(members, "org.sirbi.members.representative.", 3)
    assert [e.get_type() for e in events] == [
        "org.sirbi.members.representative.appointed.v1",
        "org.sirbi.members.representative.updated.v1",
        "org.sirbi.members.representative.ended.v1",
    ]
    assert {e.get_extension("partitionkey") for e in events} == {appointed["id"]}
    for event in events:
        assert not set(CONTACT) & event.get_data()["representative"].keys()
        assert FOCAL_POINT["email"] not in json.dumps(event.get_data())
        assert FOCAL_POINT["phone"] not in json.dumps(event.get_data())
    current = (await members.client.get(url)).json()
    public = {k: v for k, v in current.items() if k not in CONTACT}
    assert events[-1].get_data()["representative"] == public
    assert events[-1].get_data()["representative"]["ended_on"] == "2026-12-31"
