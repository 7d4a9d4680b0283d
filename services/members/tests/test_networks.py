"""National networks over HTTP: registration, partial updates, country scope, concurrency,
listing with cursors, history, events, and the reference data."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from sqlalchemy import func, select

from services.members.tests.conftest import MembersUnderTest
from sirbi_members.demo_data import seed
from sirbi_members.network_directory_data import NATIONAL_NETWORKS, seed_networks
from sirbi_members.networks.models import Network
from sirbi_shared.auth import Role
from sirbi_shared.history import history_table
from sirbi_shared.http.pagination import encode_cursor
from sirbi_shared.outbox.tables import outbox_table

NAMES = {
    "PE": {"es": "Perú", "pt": "Peru", "en": "Peru"},
    "CL": {"es": "Chile", "pt": "Chile", "en": "Chile"},
}

PERU_NETWORK = {
    "country": "PE",
    "kind": "public",
    "official_name": "Sistema Nacional de Bibliotecas",
    "governing_entity": "Biblioteca Nacional del Perú",
    "website": "https://www.bnp.gob.pe",
}
CHILE_NETWORK = {
    "country": "CL",
    "kind": "public",
    "official_name": "Sistema Nacional de Bibliotecas Públicas",
    "governing_entity": "Servicio Nacional del Patrimonio Cultural",
}


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def representative_of(members: MembersUnderTest, country: str) -> dict[str, str]:
    return members.auth(Role.REPRESENTATIVE, country=country, subject=f"rep.{country.lower()}")


async def register_member_states(members: MembersUnderTest, *codes: str) -> None:
    for code in codes:
        body = {"code": code, "names": NAMES[code]}
        response = await members.client.post("/member-states", json=body, headers=members.secretariat)
        assert response.status_code == 201, response.text


async def register_network(
    members: MembersUnderTest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await members.client.post("/networks", json=body, headers=headers or members.secretariat)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def read_events(members: MembersUnderTest, type_prefix: str, count: int) -> list[Any]:
    """The first `count` events on the members topic whose type starts with `type_prefix`."""
    reader = AIOKafkaConsumer(
        members.topic("sirbi.members.v1"),
        bootstrap_servers=members.infra.kafka_bootstrap,
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        events: list[Any] = []
        async with asyncio.timeout(60):
            while len(events) < count:
                record = await reader.getone()
                event = from_binary_event(
                    KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
                )
                if event.get_type().startswith(type_prefix):
                    events.append(event)
        return events
    finally:
        await reader.stop()


async def _networks_in_db(members: MembersUnderTest, country: str | None = None) -> list[Network]:
    async with members.database.transaction() as session:
        statement = select(Network).order_by(Network.official_name)
        if country is not None:
            statement = statement.where(Network.country == country)
        return list((await session.execute(statement)).scalars().all())


async def test_register_read_and_update_with_etag(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    created = await members.client.post("/networks", json=PERU_NETWORK, headers=members.secretariat)
    assert created.status_code == 201, created.text
    network = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/networks/{network['id']}"
    assert network["status"] == "constituted", "a network is constituted unless said otherwise"
    assert network["website"] == "https://www.bnp.gob.pe", "the address is kept as written"

    read = await members.client.get(f"/networks/{network['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == network

    updated = await members.client.patch(
        f"/networks/{network['id']}",
        json={"status": "in_formation", "website": None, "governing_entity": "  BNP  "},
        headers={**members.secretariat, "If-Match": '"1"'},
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    body = updated.json()
    assert (body["status"], body["website"], body["governing_entity"]) == ("in_formation", None, "BNP")
    assert body["official_name"] == PERU_NETWORK["official_name"], "fields not sent are kept"
    assert body["version"] == 2

    reread = await members.client.get(f"/networks/{network['id']}")
    assert reread.headers["etag"] == '"2"'
    assert reread.json() == body

    # A scheme in capitals is still http(s), for the API and for the table's check constraint.
    capitals = await members.client.patch(
        f"/networks/{network['id']}",
        json={"website": "HTTPS://WWW.BNP.GOB.PE/snb"},
        headers={**members.secretariat, "If-Match": '"2"'},
    )
    assert capitals.status_code == 200, capitals.text
    assert capitals.json()["website"] == "HTTPS://WWW.BNP.GOB.PE/snb"

    problem(await members.client.get(f"/networks/{uuid.uuid4()}"), 404, "network_not_found")
    problem(await members.client.get(f"/networks/{uuid.uuid4()}/history"), 404, "network_not_found")


@pytest.mark.parametrize(
    ("change", "refused_on_registration"),
    [
        ({"kind": "national"}, True),
        ({"website": "ftp://bnp.gob.pe"}, True),
        ({"website": "bnp.gob.pe"}, True),
        ({"official_name": " "}, True),
        ({"official_name": None}, True),
        ({"version": 9}, True),
        ({"country": "CL"}, False),  # a network's country never changes
        ({}, False),  # an update must change something
    ],
)
async def test_invalid_network_data_is_refused(
    members: MembersUnderTest, change: dict[str, Any], refused_on_registration: bool
) -> None:
    await register_member_states(members, "PE", "CL")
    network = await register_network(members, PERU_NETWORK)

    if refused_on_registration:
        registration = {**PERU_NETWORK, "official_name": "Otra red", **change}
        problem(
            await members.client.post("/networks", json=registration, headers=members.secretariat),
            422,
            "validation_failed",
        )
    problem(
        await members.client.patch(
            f"/networks/{network['id']}", json=change, headers={**members.secretariat, "If-Match": '"1"'}
        ),
        422,
        "validation_failed",
    )
    [stored] = await _networks_in_db(members)
    assert (stored.country, stored.official_name, stored.kind, stored.version) == (
        "PE",
        PERU_NETWORK["official_name"],
        "public",
        1,
    )


async def test_a_network_needs_a_registered_member_state_and_a_free_name(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    unknown = problem(
        await members.client.post(
            "/networks", json={**PERU_NETWORK, "country": "BO"}, headers=members.secretariat
        ),
        422,
        "unknown_member_state",
    )
    assert unknown["member_state"] == "BO"
    problem(
        await members.client.post(
            "/networks", json={**PERU_NETWORK, "country": "XX"}, headers=members.secretariat
        ),
        422,
        "validation_failed",
    )

    await register_network(members, PERU_NETWORK)
    problem(
        await members.client.post("/networks", json=PERU_NETWORK, headers=members.secretariat),
        409,
        "network_exists",
    )
    school = await register_network(
        members, {**PERU_NETWORK, "kind": "school", "official_name": "Red de Bibliotecas Escolares"}
    )
    problem(
        await members.client.patch(
            f"/networks/{school['id']}",
            json={"official_name": PERU_NETWORK["official_name"]},
            headers={**members.secretariat, "If-Match": '"1"'},
        ),
        409,
        "network_exists",
    )
    assert [n.official_name for n in await _networks_in_db(members)] == [
        "Red de Bibliotecas Escolares",
        "Sistema Nacional de Bibliotecas",
    ]
    # A refused registration leaves no event and no history entry: they go in by the row's statement.
    async with members.database.transaction() as session:
        registered = (
            await session.execute(
                select(history_table.c.state["official_name"].astext).where(
                    history_table.c.aggregate_type == "network", history_table.c.action == "registered"
                )
            )
        ).scalars()
        assert sorted(registered) == ["Red de Bibliotecas Escolares", "Sistema Nacional de Bibliotecas"]
    events = await read_events(members, "org.sirbi.members.network.registered", 2)
    assert sorted(e.get_data()["network"]["official_name"] for e in events) == [
        "Red de Bibliotecas Escolares",
        "Sistema Nacional de Bibliotecas",
    ]


async def test_a_representative_changes_only_networks_of_their_country(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE", "CL")
    chile = await register_network(members, CHILE_NETWORK)
    peruvian = representative_of(members, "PE")

    problem(
        await members.client.post(
            "/networks", json={**CHILE_NETWORK, "official_name": "Otra red"}, headers=peruvian
        ),
        403,
        "country_scope",
    )
    problem(
        await members.client.patch(
            f"/networks/{chile['id']}",
            json={"status": "in_formation"},
            headers={**peruvian, "If-Match": '"1"'},
        ),
        403,
        "country_scope",
    )
    # A rename is checked before the name is: another country's names are not theirs to probe.
    problem(
        await members.client.patch(
            f"/networks/{chile['id']}",
            json={"official_name": CHILE_NETWORK["official_name"]},
            headers={**peruvian, "If-Match": '"1"'},
        ),
        403,
        "country_scope",
    )
    [stored] = await _networks_in_db(members, "CL")
    assert (stored.official_name, stored.status, stored.version) == (
        CHILE_NETWORK["official_name"],
        "constituted",
        1,
    )

    # Their own country is theirs to change.
    own = await register_network(members, PERU_NETWORK, headers=peruvian)
    updated = await members.client.patch(
        f"/networks/{own['id']}", json={"kind": "mixed"}, headers={**peruvian, "If-Match": '"1"'}
    )
    assert updated.status_code == 200, updated.text
    chilean = await members.client.patch(
        f"/networks/{chile['id']}",
        json={"status": "in_formation"},
        headers={**representative_of(members, "CL"), "If-Match": '"1"'},
    )
    assert chilean.status_code == 200, chilean.text


@pytest.mark.parametrize(
    ("roles", "status", "code"),
    [
        ((), 401, "authentication_required"),
        ((Role.OBSERVER,), 403, "forbidden"),
        ((Role.WG_COORDINATOR,), 403, "forbidden"),
    ],
)
async def test_readers_cannot_change_networks(
    members: MembersUnderTest, roles: tuple[Role, ...], status: int, code: str
) -> None:
    await register_member_states(members, "PE")
    network = await register_network(members, PERU_NETWORK)
    headers = members.auth(*roles, country="PE") if roles else {}
    attempts = [
        members.client.post("/networks", json={**PERU_NETWORK, "official_name": "Otra"}, headers=headers),
        members.client.patch(
            f"/networks/{network['id']}", json={"kind": "mixed"}, headers={**headers, "If-Match": '"1"'}
        ),
    ]
    for response in await asyncio.gather(*attempts):
        problem(response, status, code)
    [stored] = await _networks_in_db(members)
    assert (stored.kind, stored.version) == ("public", 1)
    assert (await members.client.get(f"/networks/{network['id']}", headers=headers)).status_code == 200


async def test_changes_need_the_current_version(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    network = await register_network(members, PERU_NETWORK)
    url = f"/networks/{network['id']}"
    problem(
        await members.client.patch(url, json={"kind": "mixed"}, headers=members.secretariat),
        428,
        "if_match_required",
    )
    stale = problem(
        await members.client.patch(
            url, json={"kind": "mixed"}, headers={**members.secretariat, "If-Match": '"2"'}
        ),
        412,
        "version_mismatch",
    )
    assert stale["current_version"] == 1
    problem(
        await members.client.patch(
            f"/networks/{uuid.uuid4()}",
            json={"kind": "mixed"},
            headers={**members.secretariat, "If-Match": '"1"'},
        ),
        404,
        "network_not_found",
    )
    [stored] = await _networks_in_db(members)
    assert (stored.kind, stored.version) == ("public", 1)


async def test_list_filters_and_walks_pages_with_cursors(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE", "CL")
    specs = [
        ("PE", "public", "constituted", "Sistema Nacional de Bibliotecas"),
        ("PE", "school", "in_formation", "Red de Bibliotecas Escolares"),
        ("PE", "university", "constituted", "Red de Bibliotecas Universitarias"),
        ("CL", "public", "constituted", "Sistema Nacional de Bibliotecas Públicas"),
        ("CL", "school", "constituted", "Bibliotecas Escolares CRA"),
        ("CL", "mixed", "in_formation", "Red Mixta"),
        ("CL", "popular", "in_formation", "Bibliotecas Populares"),
    ]
    for country, kind, status, name in specs:
        body = {"country": country, "kind": kind, "status": status, "official_name": name}
        await register_network(members, {**body, "governing_entity": "Entidad rectora"})

    seen: list[tuple[str, str]] = []
    page_sizes: list[int] = []
    cursor: str | None = None
    for _ in range(10):  # a cursor that loops must fail the test, not hang it
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await members.client.get("/networks", params=params)).json()
        page_sizes.append(len(page["items"]))
        seen += [(n["country"], n["official_name"]) for n in page["items"]]
        cursor = page.get("next_cursor")
        if cursor is None:
            break
    else:
        pytest.fail("the cursors never reached the last page")
    assert page_sizes == [2, 2, 2, 1]
    assert seen == sorted((c, n) for c, _, _, n in specs), "ordered by country then name, each once"

    async def names(**filters: str) -> list[str]:
        response = await members.client.get("/networks", params=filters)
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None
        return [n["official_name"] for n in response.json()["items"]]

    assert await names(country="pe") == [
        "Red de Bibliotecas Escolares",
        "Red de Bibliotecas Universitarias",
        "Sistema Nacional de Bibliotecas",
    ]
    assert await names(kind="school") == ["Bibliotecas Escolares CRA", "Red de Bibliotecas Escolares"]
    assert await names(country="CL", status="in_formation") == ["Bibliotecas Populares", "Red Mixta"]
    assert await names(country="UY") == []
    problem(await members.client.get("/networks", params={"kind": "national"}), 422, "validation_failed")

    for bad in ("not-a-cursor!", encode_cursor(["PE", "x"]), encode_cursor(["PE", "x", "not-a-uuid"])):
        problem(await members.client.get("/networks", params={"cursor": bad}), 400, "invalid_cursor")


async def test_history_records_every_change_and_its_actor(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    network = await register_network(members, PERU_NETWORK)
    await members.client.patch(
        f"/networks/{network['id']}",
        json={"status": "in_formation"},
        headers={**representative_of(members, "PE"), "If-Match": '"1"'},
    )
    history = (await members.client.get(f"/networks/{network['id']}/history")).json()
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "registered", "ana.secretariat"),
        (2, "updated", "rep.pe"),
    ]
    assert history[-1]["state"]["status"] == "in_formation"


async def test_every_change_is_an_event_with_the_whole_network(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    network = await register_network(members, PERU_NETWORK)
    await members.client.patch(
        f"/networks/{network['id']}",
        json={"kind": "mixed"},
        headers={**members.secretariat, "If-Match": '"1"'},
    )
    events = await read_events(members, "org.sirbi.members.network.", 2)
    assert [e.get_type() for e in events] == [
        "org.sirbi.members.network.registered.v1",
        "org.sirbi.members.network.updated.v1",
    ]
    assert {e.get_extension("partitionkey") for e in events} == {network["id"]}
    assert events[0].get_data()["network"] == network
    current = (await members.client.get(f"/networks/{network['id']}")).json()
    assert events[-1].get_data()["network"] == json.loads(json.dumps(current))


async def test_seeding_registers_each_known_network_once(members: MembersUnderTest) -> None:
    await seed(members.database)
    await seed_networks(members.database)
    await seed_networks(members.database)

    stored = await _networks_in_db(members)
    assert sorted((n.country, n.official_name) for n in stored) == sorted(
        (country, name) for country, _, name, _ in NATIONAL_NETWORKS
    )
    assert {n.status for n in stored} == {"constituted"}
    assert {n.version for n in stored} == {1}
    async with members.database.transaction() as session:
        events = (
            await session.execute(
                select(func.count())
                .select_from(outbox_table)
                .where(outbox_table.c.event_type == "org.sirbi.members.network.registered.v1")
            )
        ).scalar_one()
        actors = (
            await session.execute(
                select(history_table.c.actor).where(history_table.c.aggregate_type == "network").distinct()
            )
        ).scalars()
        assert list(actors) == ["system:seed"]
    assert events == len(NATIONAL_NETWORKS), "one event per network, nothing the second time"


async def test_seeding_skips_countries_that_are_not_member_states(members: MembersUnderTest) -> None:
    await register_member_states(members, "PE")
    await seed_networks(members.database)
    assert [(n.country, n.official_name) for n in await _networks_in_db(members)] == [
        ("PE", "Sistema Nacional de Bibliotecas")
    ]
