"""The library directory over HTTP: registering, describing and closing libraries, who may do
it, optimistic concurrency, search and pagination, history, and the events on the directory topic."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from sqlalchemy import func, select

from services.members.tests.conftest import MembersUnderTest
from sirbi_members.demo_data import MEMBER_STATES, seed, seed_reference_data
from sirbi_members.libraries.isil import directory_key
from sirbi_members.libraries.models import Library, LibraryStatus, LibraryType
from sirbi_members.libraries.schemas import LibraryFields
from sirbi_members.library_directory_data import DEMO_LIBRARIES
from sirbi_shared.auth import Role
from sirbi_shared.history import history_table
from sirbi_shared.outbox.tables import outbox_table

DIRECTORY_TOPIC = "sirbi.directory.v1"

MIRAFLORES: dict[str, Any] = {
    "country": "PE",
    "isil": "PE-LiBN",
    "national_id": "150122-0001",
    "name": "Biblioteca Pública Municipal de Miraflores",
    "type": "public",
    "admin_levels": ["Lima", "Lima", "Miraflores"],
    "address": "Av. Larco 770",
    "coordinates": {"latitude": -12.1211, "longitude": -77.0297},
    "status": "open",
    "capabilities": ["public_computers", "internet_access"],
}


@pytest.fixture
async def directory(members: MembersUnderTest) -> MembersUnderTest:
    """The members service with the 21 member states, so libraries can be registered, and no
    library yet (the demo directory would be in every search)."""
    await seed_reference_data(members.database)
    return members


def _library(**overrides: Any) -> dict[str, Any]:
    return {**MIRAFLORES, **overrides}


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """A create body as a PUT body (no country)."""
    return {k: v for k, v in body.items() if k != "country"}


async def _create(
    members: MembersUnderTest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    response = await members.client.post(
        "/libraries", json=body, headers=members.secretariat if headers is None else headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def _if_match(version: int, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "If-Match": f'"{version}"'}


async def _libraries(members: MembersUnderTest) -> list[Library]:
    async with members.database.transaction() as session:
        return list((await session.execute(select(Library).order_by(Library.name))).scalars())


async def _directory_outbox(members: MembersUnderTest) -> list[str]:
    """The event types written for the directory topic, in order."""
    async with members.database.transaction() as session:
        rows = await session.execute(
            select(outbox_table.c.event_type)
            .where(outbox_table.c.topic == DIRECTORY_TOPIC)
            .order_by(outbox_table.c.id)
        )
        return [row.event_type for row in rows]


# -- registering, reading, describing, closing ------------------------------------------------


async def test_register_then_read_with_etag_and_location(directory: MembersUnderTest) -> None:
    created = await directory.client.post("/libraries", json=MIRAFLORES, headers=directory.secretariat)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/libraries/{body['id']}"
    assert body["version"] == 1
    assert body["country"] == "PE"
    assert body["isil"] == "PE-LiBN"
    assert body["admin_area"] == "Lima / Lima / Miraflores"
    assert body["capabilities"] == ["internet_access", "public_computers"]
    assert body["coordinates"] == MIRAFLORES["coordinates"]

    read = await directory.client.get(created.headers["location"])
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == body

    _problem(await directory.client.get(f"/libraries/{uuid.uuid4()}"), 404, "library_not_found")
    _problem(await directory.client.get("/libraries/not-a-uuid"), 422, "validation_failed")


async def test_describe_needs_the_current_version_and_identical_content_changes_nothing(
    directory: MembersUnderTest,
) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"

    same = await directory.client.put(
        url, json=_fields(MIRAFLORES), headers=_if_match(1, directory.secretariat)
    )
    assert same.status_code == 200, same.text
    assert same.headers["etag"] == '"1"'
    assert same.json() == created

    changed_fields = _fields(
        _library(name="Biblioteca Municipal Ricardo Palma", status="temporarily_closed", capabilities=[])
    )
    updated = await directory.client.put(
        url, json=changed_fields, headers=_if_match(1, directory.secretariat)
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    assert updated.json()["version"] == 2
    assert updated.json()["name"] == "Biblioteca Municipal Ricardo Palma"
    assert updated.json()["status"] == "temporarily_closed"
    assert updated.json()["capabilities"] == []
    assert updated.json()["updated_at"] > created["updated_at"]
    assert (await directory.client.get(url)).headers["etag"] == '"2"'

    assert await _directory_outbox(directory) == [
        "org.sirbi.members.library.registered.v1",
        "org.sirbi.members.library.updated.v1",
    ]


async def test_stale_or_missing_if_match_changes_nothing(directory: MembersUnderTest) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"
    renamed = _fields(_library(name="Otra biblioteca"))

    stale = _problem(
        await directory.client.put(url, json=renamed, headers=_if_match(7, directory.secretariat)),
        412,
        "version_mismatch",
    )
    assert stale["current_version"] == 1
    _problem(
        await directory.client.post(
            f"{url}/close", json={"reason": "Cerrada"}, headers=_if_match(0, directory.secretariat)
        ),
        412,
        "version_mismatch",
    )
    _problem(
        await directory.client.put(url, json=renamed, headers=directory.secretariat), 428, "if_match_required"
    )
    _problem(
        await directory.client.put(url, json=renamed, headers={**directory.secretariat, "If-Match": "one"}),
        400,
        "invalid_if_match",
    )
    [row] = await _libraries(directory)
    assert (row.name, row.status, row.version) == (MIRAFLORES["name"], "open", 1)
    assert await _directory_outbox(directory) == ["org.sirbi.members.library.registered.v1"]


async def test_close_then_no_more_changes(directory: MembersUnderTest) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"

    _problem(
        await directory.client.post(
            f"{url}/close", json={"reason": "x"}, headers=_if_match(1, directory.secretariat)
        ),
        422,
        "validation_failed",
    )
    closed = await directory.client.post(
        f"{url}/close",
        json={"reason": "El municipio cerró el local"},
        headers=_if_match(1, directory.secretariat),
    )
    assert closed.status_code == 200, closed.text
    assert closed.headers["etag"] == '"2"'
    assert closed.json()["status"] == "closed"
    assert closed.json()["version"] == 2

    _problem(
        await directory.client.post(
            f"{url}/close", json={"reason": "again"}, headers=_if_match(2, directory.secretariat)
        ),
        409,
        "library_closed",
    )
    _problem(
        await directory.client.put(
            url, json=_fields(MIRAFLORES), headers=_if_match(2, directory.secretariat)
        ),
        409,
        "library_closed",
    )
    [row] = await _libraries(directory)
    assert (row.status, row.version) == ("closed", 2)
    # Editing may not reopen-by-status or close-by-status either.
    _problem(
        await directory.client.post(
            "/libraries", json=_library(isil="PE-OTHER", status="closed"), headers=directory.secretariat
        ),
        422,
        "validation_failed",
    )


@pytest.mark.parametrize(
    "body",
    [
        _library(isil="PE LIBN"),  # a space
        _library(isil="PE-BIBLIOTECA*1"),  # a character ISIL does not allow
        _library(isil="PE-ÑUÑOA"),  # not Latin letters
        _library(isil="PE-ABCDEFGHIJKLMN"),  # 17 characters
        _library(isil="CL-XYZ"),  # Chile's prefix for a Peruvian library
        _library(isil="XX-ABC"),  # a two-letter prefix that is no country
        _library(isil=None, national_id=None),  # no identity at all
        _library(isil="", national_id=None),
        _library(name=""),
        _library(country="PER"),
        _library(type="museum"),
        _library(capabilities=["teleportation"]),
        _library(coordinates={"latitude": 91, "longitude": 0}),
        _library(unknown_field="x"),
    ],
)
async def test_invalid_libraries_are_refused(directory: MembersUnderTest, body: dict[str, Any]) -> None:
    _problem(
        await directory.client.post("/libraries", json=body, headers=directory.secretariat),
        422,
        "validation_failed",
    )
    assert await _libraries(directory) == []


async def test_an_isil_or_national_id_is_in_the_directory_once(directory: MembersUnderTest) -> None:
    await _create(directory, MIRAFLORES)
    _problem(
        await directory.client.post(
            "/libraries", json=_library(isil="pe-libn", national_id="other"), headers=directory.secretariat
        ),
        409,
        "library_exists",
    )
    # National ids are unique within a country only.
    await _create(directory, _library(isil=None, national_id="N-1", name="Biblioteca A"))
    _problem(
        await directory.client.post(
            "/libraries", json=_library(isil=None, national_id="N-1", name="B"), headers=directory.secretariat
        ),
        409,
        "library_exists",
    )
    await _create(directory, _library(country="CL", isil=None, national_id="N-1", name="Biblioteca C"))
    assert len(await _libraries(directory)) == 3

    # Describing a library with another library's ISIL is the same conflict.
    other = await _create(directory, _library(isil="PE-OTRA", name="Biblioteca D"))
    _problem(
        await directory.client.put(
            f"/libraries/{other['id']}",
            json=_fields(_library(isil="PE-LIBN", name="Biblioteca D")),
            headers=_if_match(1, directory.secretariat),
        ),
        409,
        "library_exists",
    )


async def test_describing_with_an_isil_of_another_country_is_refused(directory: MembersUnderTest) -> None:
    created = await _create(directory, MIRAFLORES)
    for isil in ("CL-XYZ", "PE LIBN"):
        _problem(
            await directory.client.put(
                f"/libraries/{created['id']}",
                json=_fields(_library(isil=isil)),
                headers=_if_match(1, directory.secretariat),
            ),
            422,
            "validation_failed",
        )
    [row] = await _libraries(directory)
    assert (row.isil, row.version) == ("PE-LiBN", 1)


async def test_libraries_belong_to_member_states(directory: MembersUnderTest) -> None:
    body = _problem(
        await directory.client.post(
            "/libraries", json=_library(country="US", isil=None), headers=directory.secretariat
        ),
        422,
        "unknown_member_state",
    )
    assert body["country"] == "US"
    assert await _libraries(directory) == []


# -- who may change the directory -------------------------------------------------------------


async def test_a_representative_changes_their_own_country_only(directory: MembersUnderTest) -> None:
    peru = directory.auth(Role.REPRESENTATIVE, country="PE", subject="rosa.pe")
    chile = directory.auth(Role.REPRESENTATIVE, country="CL", subject="juan.cl")

    body = _problem(
        await directory.client.post("/libraries", json=_library(country="CL", isil="CL-SANT"), headers=peru),
        403,
        "country_scope",
    )
    assert body["country"] == "CL"
    assert await _libraries(directory) == []
    assert await _directory_outbox(directory) == []

    created = await _create(directory, MIRAFLORES, headers=peru)
    url = f"/libraries/{created['id']}"
    _problem(
        await directory.client.put(url, json=_fields(_library(name="Tomada")), headers=_if_match(1, chile)),
        403,
        "country_scope",
    )
    _problem(
        await directory.client.post(f"{url}/close", json={"reason": "Tomada"}, headers=_if_match(1, chile)),
        403,
        "country_scope",
    )
    [row] = await _libraries(directory)
    assert (row.name, row.status, row.version) == (MIRAFLORES["name"], "open", 1)

    renamed = await directory.client.put(
        url, json=_fields(_library(name="Nueva")), headers=_if_match(1, peru)
    )
    assert renamed.status_code == 200, renamed.text
    history = (await directory.client.get(f"{url}/history")).json()
    assert [h["actor"] for h in history] == ["rosa.pe", "rosa.pe"]


@pytest.mark.parametrize(
    ("roles", "status", "code"),
    [
        ((), 401, "authentication_required"),
        ((Role.OBSERVER,), 403, "forbidden"),
        ((Role.WG_MEMBER,), 403, "forbidden"),
    ],
)
async def test_readers_do_not_write(
    directory: MembersUnderTest, roles: tuple[Role, ...], status: int, code: str
) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"
    headers = directory.auth(*roles, country="PE") if roles else {}
    attempts = [
        directory.client.post("/libraries", json=_library(isil="PE-NEW"), headers=headers),
        directory.client.put(url, json=_fields(_library(name="X")), headers=_if_match(1, headers)),
        directory.client.post(f"{url}/close", json={"reason": "nope"}, headers=_if_match(1, headers)),
    ]
    for response in await asyncio.gather(*attempts):
        _problem(response, status, code)
    [row] = await _libraries(directory)
    assert (row.name, row.status, row.version) == (MIRAFLORES["name"], "open", 1)
    # Everyone reads.
    assert (await directory.client.get(url, headers=headers)).status_code == 200
    assert (await directory.client.get("/libraries", headers=headers)).status_code == 200


# -- search -----------------------------------------------------------------------------------

CATALOGUE: list[dict[str, Any]] = [
    _library(),
    _library(
        isil="PE-BNP",
        national_id=None,
        name="Biblioteca Nacional del Perú",
        type="national",
        admin_levels=["Lima", "Lima", "San Borja"],
        address="Av. De la Poesía 160",
        capabilities=["internet_access", "digital_content", "training_programmes"],
    ),
    _library(
        isil=None,
        national_id="PE-ESC-77",
        name="Biblioteca Escolar José María Arguedas",
        type="school",
        admin_levels=["Lima", "Huaral"],
        address=None,
        coordinates=None,
        capabilities=["internet_access"],
    ),
    _library(
        isil="PE-CUS1",
        national_id=None,
        name="Biblioteca Comunal de Ollantaytambo",
        type="community",
        admin_levels=["Cusco", "Urubamba", "Ollantaytambo"],
        address="Plaza de Armas s/n",
        status="planned",
        capabilities=[],
    ),
    _library(
        isil="PE-LIM100",
        national_id=None,
        name="Biblioteca 100% Lectura_Limache",
        type="special",
        admin_levels=["Limache"],  # not in Lima (whole-level prefix)
        address=None,
        coordinates=None,
        capabilities=["public_computers"],
    ),
    _library(
        country="CL",
        isil="CL-SANT",
        national_id=None,
        name="Biblioteca de Santiago",
        admin_levels=["Metropolitana de Santiago", "Santiago", "Santiago"],
        address="Matucana 151",
        coordinates={"latitude": -33.4489, "longitude": -70.6693},
        capabilities=["internet_access", "public_computers"],
    ),
    _library(
        country="CL",
        isil=None,
        national_id="CL-9",
        name="Biblioteca Publica de Limache",
        admin_levels=["Valparaíso", "Marga Marga", "Limache"],
        address="Avenida Urmeneta 399",
        coordinates=None,
        capabilities=["internet_access", "public_computers", "digital_content"],
    ),
]


async def _search(members: MembersUnderTest, **params: Any) -> list[str]:
    response = await members.client.get("/libraries", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] is None
    return [item["name"] for item in page["items"]]


async def _catalogue(members: MembersUnderTest) -> dict[str, dict[str, Any]]:
    return {body["name"]: await _create(members, body) for body in CATALOGUE}


async def test_search_text_ignores_case_and_accents(directory: MembersUnderTest) -> None:
    await _catalogue(directory)
    assert await _search(directory, q="publica") == [
        "Biblioteca Publica de Limache",
        "Biblioteca Pública Municipal de Miraflores",
    ]
    assert await _search(directory, q="PÚBLICA  miraflores") == ["Biblioteca Pública Municipal de Miraflores"]
    assert await _search(directory, q="peru") == ["Biblioteca Nacional del Perú"]
    assert await _search(directory, q="valparaiso") == ["Biblioteca Publica de Limache"]  # the place
    assert await _search(directory, q="larco") == [
        "Biblioteca Pública Municipal de Miraflores"
    ]  # the address
    assert await _search(directory, q="pe-cus1") == ["Biblioteca Comunal de Ollantaytambo"]  # the ISIL
    assert await _search(directory, q="esc-77") == [
        "Biblioteca Escolar José María Arguedas"
    ]  # the national id
    assert await _search(directory, q="publica cusco") == []  # every word must match
    # LIKE wildcards are plain characters.
    assert await _search(directory, q="100%") == ["Biblioteca 100% Lectura_Limache"]
    assert await _search(directory, q="a_l") == ["Biblioteca 100% Lectura_Limache"]
    assert await _search(directory, q="%") == ["Biblioteca 100% Lectura_Limache"]
    assert await _search(directory, q="b_b") == []
    assert len(await _search(directory, q="   ")) == len(CATALOGUE)


async def test_each_filter(directory: MembersUnderTest) -> None:
    libraries = await _catalogue(directory)
    all_names = await _search(directory)
    assert sorted(all_names) == sorted(libraries)
    assert all_names[:2] == ["Biblioteca de Santiago", "Biblioteca Publica de Limache"] or all_names[:2] == [
        "Biblioteca Publica de Limache",
        "Biblioteca de Santiago",
    ], "CL before PE"

    assert set(await _search(directory, country="cl")) == {
        "Biblioteca de Santiago",
        "Biblioteca Publica de Limache",
    }
    assert await _search(directory, type="school") == ["Biblioteca Escolar José María Arguedas"]
    assert await _search(directory, status="planned") == ["Biblioteca Comunal de Ollantaytambo"]
    _problem(await directory.client.get("/libraries", params={"type": "museum"}), 422, "validation_failed")
    _problem(await directory.client.get("/libraries", params={"country": "PER"}), 422, "validation_failed")

    # Administrative areas: a whole area and what is in it, "/" with or without spaces.
    in_lima = {
        "Biblioteca Pública Municipal de Miraflores",
        "Biblioteca Nacional del Perú",
        "Biblioteca Escolar José María Arguedas",
    }
    assert set(await _search(directory, admin_area="Lima")) == in_lima
    assert set(await _search(directory, admin_area="Lima / Lima")) == in_lima - {
        "Biblioteca Escolar José María Arguedas"
    }
    assert await _search(directory, admin_area="Lima/Lima/Miraflores") == [
        "Biblioteca Pública Municipal de Miraflores"
    ]
    assert await _search(directory, admin_area="Lim") == []
    assert await _search(directory, admin_area="Limache") == ["Biblioteca 100% Lectura_Limache"]
    assert await _search(directory, admin_area="Valparaíso / Marga Marga") == [
        "Biblioteca Publica de Limache"
    ]
    assert await _search(directory, admin_area="%") == []
    assert await _search(directory, admin_area="Lima / Lima / Miraflores / Calle") == []

    # Capabilities: a library must have every one asked for.
    internet = await _search(directory, capability="internet_access")
    assert len(internet) == 5
    both = await _search(directory, capability=["internet_access", "public_computers"])
    assert set(both) == {
        "Biblioteca Pública Municipal de Miraflores",
        "Biblioteca de Santiago",
        "Biblioteca Publica de Limache",
    }
    assert await _search(
        directory, capability=["internet_access", "public_computers", "digital_content"]
    ) == ["Biblioteca Publica de Limache"]
    assert await _search(directory, capability=["training_programmes", "public_computers"]) == []
    _problem(
        await directory.client.get("/libraries", params={"capability": "teleportation"}),
        422,
        "validation_failed",
    )

    # Filters combine.
    assert await _search(
        directory, country="PE", q="biblioteca", capability="public_computers", admin_area="Lima"
    ) == ["Biblioteca Pública Municipal de Miraflores"]


async def test_closed_libraries_are_found_by_status(directory: MembersUnderTest) -> None:
    libraries = await _catalogue(directory)
    closed = libraries["Biblioteca de Santiago"]
    response = await directory.client.post(
        f"/libraries/{closed['id']}/close",
        json={"reason": "Demolida"},
        headers=_if_match(1, directory.secretariat),
    )
    assert response.status_code == 200
    assert await _search(directory, status="closed") == ["Biblioteca de Santiago"]
    assert "Biblioteca de Santiago" not in await _search(directory, status="open")


async def test_pages_cover_every_match_once(directory: MembersUnderTest) -> None:
    for country in ("PE", "CL", "CO"):
        for i in range(7):
            # Equal names in a country: the id breaks the tie and pages must still not overlap.
            await _create(
                directory,
                _library(
                    country=country,
                    isil=None,
                    national_id=f"{country}-{i}",
                    name=f"Biblioteca {i % 3}",
                    capabilities=["internet_access"] if i % 2 else [],
                ),
            )
    everything = (await directory.client.get("/libraries", params={"limit": 200})).json()
    assert len(everything["items"]) == 21
    assert everything["next_cursor"] is None
    expected = [item["id"] for item in everything["items"]]
    countries = [item["country"] for item in everything["items"]]
    assert countries == sorted(countries)

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = (await directory.client.get("/libraries", params=params)).json()
        pages += 1
        assert len(page["items"]) <= 4
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 6
    assert seen == expected
    assert len(set(seen)) == 21

    # The same with a filter: only odd ones (internet access), three at a time.
    filtered: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, "capability": "internet_access"}
        if cursor:
            params["cursor"] = cursor
        page = (await directory.client.get("/libraries", params=params)).json()
        filtered.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert filtered == [
        item["id"] for item in everything["items"] if item["capabilities"] == ["internet_access"]
    ]
    assert len(filtered) == 9

    # A limit of exactly the number of matches is one page, with no cursor to an empty one.
    exact = (await directory.client.get("/libraries", params={"limit": 21})).json()
    assert len(exact["items"]) == 21
    assert exact["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(json.dumps(["PE", "Biblioteca", "not-a-uuid"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["PE", 3, str(uuid.uuid4())]).encode()).decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
    ],
)
async def test_invalid_cursors_are_refused(directory: MembersUnderTest, cursor: str) -> None:
    _problem(await directory.client.get("/libraries", params={"cursor": cursor}), 400, "invalid_cursor")


async def test_limit_is_bounded(directory: MembersUnderTest) -> None:
    for limit in (0, 201):
        _problem(await directory.client.get("/libraries", params={"limit": limit}), 422, "validation_failed")


# -- history and events -----------------------------------------------------------------------


async def test_history_records_every_change_and_its_actor(directory: MembersUnderTest) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"
    await directory.client.put(url, json=_fields(MIRAFLORES), headers=_if_match(1, directory.secretariat))
    await directory.client.put(
        url, json=_fields(_library(name="Nueva")), headers=_if_match(1, directory.secretariat)
    )
    await directory.client.post(
        f"{url}/close", json={"reason": "Cerrada"}, headers=_if_match(2, directory.secretariat)
    )

    history = (await directory.client.get(f"{url}/history")).json()
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "registered", "ana.secretariat"),
        (2, "updated", "ana.secretariat"),
        (3, "closed", "ana.secretariat"),
    ]
    assert history[0]["state"]["name"] == MIRAFLORES["name"]
    assert history[1]["state"]["name"] == "Nueva"
    assert history[-1]["state"] == (await directory.client.get(url)).json()
    _problem(await directory.client.get(f"/libraries/{uuid.uuid4()}/history"), 404, "library_not_found")


async def _events(members: MembersUnderTest, count: int) -> list[Any]:
    reader = AIOKafkaConsumer(
        members.topic(DIRECTORY_TOPIC),
        bootstrap_servers=members.infra.kafka_bootstrap,
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        events: list[Any] = []
        async with asyncio.timeout(60):
            while len(events) < count:
                record = await reader.getone()
                events.append(
                    (
                        record.key,
                        from_binary_event(
                            KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
                        ),
                    )
                )
        return events
    finally:
        await reader.stop()


async def test_every_change_is_an_event_with_the_whole_library(directory: MembersUnderTest) -> None:
    created = await _create(directory, MIRAFLORES)
    url = f"/libraries/{created['id']}"
    unchanged = await directory.client.put(
        url, json=_fields(MIRAFLORES), headers=_if_match(1, directory.secretariat)
    )
    assert unchanged.headers["etag"] == '"1"'
    updated = (
        await directory.client.put(
            url, json=_fields(_library(name="Nueva")), headers=_if_match(1, directory.secretariat)
        )
    ).json()
    closed = (
        await directory.client.post(
            f"{url}/close", json={"reason": "Cerrada"}, headers=_if_match(2, directory.secretariat)
        )
    ).json()

    events = await _events(directory, 3)
    assert [event.get_type() for _, event in events] == [
        "org.sirbi.members.library.registered.v1",
        "org.sirbi.members.library.updated.v1",
        "org.sirbi.members.library.closed.v1",
    ]
    assert {key for key, _ in events} == {created["id"].encode()}
    assert {event.get_extension("partitionkey") for _, event in events} == {created["id"]}
    assert [event.get_data()["library"] for _, event in events] == [created, updated, closed]
    assert events[-1][1].get_data()["reason"] == "Cerrada"
    # The identical description wrote no event.
    assert len(await _directory_outbox(directory)) == 3


# -- the demo directory `make up` seeds ---------------------------------------------------------


def test_the_demo_directory_is_small_varied_and_of_member_states() -> None:
    countries = {library.country for library in DEMO_LIBRARIES}
    assert 40 <= len(DEMO_LIBRARIES) <= 60
    assert len(countries) >= 8
    assert countries <= {code for code, *_ in MEMBER_STATES}
    keys = [directory_key(lib.country, lib.isil, lib.national_id) for lib in DEMO_LIBRARIES]
    assert len(set(keys)) == len(keys), "each demo library is in the directory once"
    assert {lib.type for lib in DEMO_LIBRARIES} >= {
        LibraryType.PUBLIC,
        LibraryType.SCHOOL,
        LibraryType.NATIONAL,
        LibraryType.UNIVERSITY,
        LibraryType.COMMUNITY,
    }
    assert {lib.status for lib in DEMO_LIBRARIES} == {
        LibraryStatus.OPEN,
        LibraryStatus.TEMPORARILY_CLOSED,
        LibraryStatus.PLANNED,
    }
    assert all(lib.admin_levels for lib in DEMO_LIBRARIES)
    # Keys of the API's examples and of the import tests' files stay free, so trying those
    # against a seeded platform registers rather than conflicts.
    examples = {"ISIL:PE-BPMM", "ISIL:PE-LIBN", "NID:PE:150122-0001", "NID:CL:RBD-8455"}
    import_files = {"NID:PE:150101-0001", "NID:PE:LIM-001", "ISIL:PE-BMT"}
    assert not (examples | import_files) & set(keys)


async def _snapshot(members: MembersUnderTest) -> dict[str, tuple[uuid.UUID, int, Any]]:
    return {lib.directory_key: (lib.id, lib.version, lib.updated_at) for lib in await _libraries(members)}


async def _library_changes(members: MembersUnderTest) -> tuple[int, list[tuple[str, str]]]:
    """How many directory events were written, and every library history entry's (action, actor)."""
    async with members.database.transaction() as session:
        events = (
            await session.execute(
                select(func.count()).select_from(outbox_table).where(outbox_table.c.topic == DIRECTORY_TOPIC)
            )
        ).scalar_one()
        history = (
            await session.execute(
                select(history_table.c.action, history_table.c.actor)
                .where(history_table.c.aggregate_type == "library")
                .order_by(history_table.c.id)
            )
        ).all()
    return events, [(action, actor) for action, actor in history]


async def test_seeding_loads_the_demo_directory_through_registration(members: MembersUnderTest) -> None:
    await seed(members.database)

    listed = (await members.client.get("/libraries", params={"limit": 200})).json()
    assert listed["next_cursor"] is None
    by_key = {(item["country"], item["isil"] or item["national_id"]): item for item in listed["items"]}
    assert len(by_key) == len(DEMO_LIBRARIES)
    for library in DEMO_LIBRARIES:
        described = json.loads(library.model_dump_json())
        item = by_key[(library.country, library.isil or library.national_id)]
        assert {field: item[field] for field in described} == described
        assert item["version"] == 1
    assert await _library_changes(members) == (
        len(DEMO_LIBRARIES),
        [("registered", "system:seed")] * len(DEMO_LIBRARIES),
    )

    # Accent-free words find accented names and places.
    assert await _search(members, q="publica tumbes") == ["Biblioteca Pública de Tumbes"]
    assert await _search(members, q="PUCALLPA") == ["Biblioteca Municipal de Pucallpa"]
    assert "Biblioteca de São Paulo" in await _search(members, q="sao paulo")
    assert await _search(members, q="ultima esperanza") == ["Biblioteca Pública de Puerto Natales"]
    assert await _search(members, admin_area="Lima/Lima/San Borja") == ["Biblioteca Nacional del Perú"]
    assert len(await _search(members, type="national")) == len({lib.country for lib in DEMO_LIBRARIES})


async def test_seeding_again_changes_nothing_not_even_what_people_changed(members: MembersUnderTest) -> None:
    await seed(members.database)
    [tumbes] = (await members.client.get("/libraries", params={"q": "publica tumbes"})).json()["items"]
    representative = members.auth(Role.REPRESENTATIVE, country="PE", subject="rosa.pe")
    description = {field: tumbes[field] for field in LibraryFields.model_fields}
    edited = await members.client.put(
        f"/libraries/{tumbes['id']}",
        json={**description, "address": "Av. Tumbes Norte 200"},
        headers=_if_match(1, representative),
    )
    assert edited.status_code == 200, edited.text
    before = await _snapshot(members)
    changes = await _library_changes(members)

    await seed(members.database)

    assert await _snapshot(members) == before, "same libraries, same versions, untouched"
    assert await _library_changes(members) == changes, "no event and no history the second time"
    kept = (await members.client.get(f"/libraries/{tumbes['id']}")).json()
    assert kept["address"] == "Av. Tumbes Norte 200"
