"""Exporting the directory: CSV and JSON of exactly the rows the search finds, streamed from a
server-side cursor, and a CSV the directory import reads back."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest

from services.members.tests.conftest import MembersUnderTest
from services.members.tests.test_libraries import CATALOGUE, MIRAFLORES
from sirbi_members.demo_data import seed_reference_data
from sirbi_members.imports.csv_rows import HEADER as IMPORT_HEADER
from sirbi_members.imports.csv_rows import read_rows
from sirbi_members.libraries import endpoints, service
from sirbi_members.libraries.models import Capability, LibraryType
from sirbi_members.libraries.schemas import LibraryFields
from sirbi_members.libraries.search import DirectoryQuery


@pytest.fixture
async def directory(members: MembersUnderTest) -> MembersUnderTest:
    """The members service with the 21 member states and the test catalogue of libraries."""
    await seed_reference_data(members.database)
    for body in CATALOGUE:
        response = await members.client.post("/libraries", json=body, headers=members.secretariat)
        assert response.status_code == 201, response.text
    return members


async def _listed(members: MembersUnderTest, **params: Any) -> list[dict[str, Any]]:
    response = await members.client.get("/libraries", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _export(members: MembersUnderTest, extension: str, **params: Any) -> Any:
    response = await members.client.get(f"/libraries/export.{extension}", params=params)
    assert response.status_code == 200, response.text
    assert "content-length" not in response.headers, "exports are streamed, not built in memory"
    return response


def _csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _as_csv(item: dict[str, Any]) -> dict[str, str]:
    """What the export should write for a library the API returned."""
    levels = item["admin_levels"] + [""] * (4 - len(item["admin_levels"]))
    coordinates = item["coordinates"] or {}
    return {
        "id": item["id"],
        "country": item["country"],
        "isil": item["isil"] or "",
        "national_id": item["national_id"] or "",
        "name": item["name"],
        "type": item["type"],
        "admin_1": levels[0],
        "admin_2": levels[1],
        "admin_3": levels[2],
        "admin_4": levels[3],
        "address": item["address"] or "",
        "latitude": str(coordinates.get("latitude", "")),
        "longitude": str(coordinates.get("longitude", "")),
        "status": item["status"],
        "capabilities": ";".join(item["capabilities"]),
        "version": str(item["version"]),
        "updated_at": item["updated_at"],
    }


def _normalise_time(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{**row, "updated_at": datetime.fromisoformat(row["updated_at"]).isoformat()} for row in rows]


async def test_csv_export_is_the_filtered_rows(directory: MembersUnderTest) -> None:
    filters = {"country": "PE", "capability": "internet_access"}
    expected = await _listed(directory, **filters)
    assert len(expected) == 3

    response = await _export(directory, "csv", **filters)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="directory-PE.csv"'
    header, rows = _csv_rows(response.text)
    assert header == list(endpoints.CSV_COLUMNS)
    assert _normalise_time(rows) == _normalise_time([_as_csv(item) for item in expected])


async def test_json_export_is_the_filtered_rows(directory: MembersUnderTest) -> None:
    filters = {"admin_area": "Lima", "q": "biblioteca", "status": "open"}
    expected = await _listed(directory, **filters)
    assert len(expected) == 3

    response = await _export(directory, "json", **filters)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="directory.json"'
    assert json.loads(response.text) == expected


async def test_an_export_is_read_back_by_the_import(directory: MembersUnderTest) -> None:
    expected = await _listed(directory, country="PE")
    text = (await _export(directory, "csv", country="PE")).text
    header, _ = _csv_rows(text)
    assert set(IMPORT_HEADER) <= set(header)

    parsed = list(read_rows("PE", io.StringIO(text, newline="")))
    assert [row.reason for row in parsed] == [None] * len(expected)
    described = [
        LibraryFields.model_validate({k: item[k] for k in LibraryFields.model_fields}) for item in expected
    ]
    assert [row.fields for row in parsed] == described


async def test_exports_stream_every_row_in_batches(
    directory: MembersUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoints, "EXPORT_BATCH", 2)
    expected = await _listed(directory)
    assert len(expected) == len(CATALOGUE)

    _, rows = _csv_rows((await _export(directory, "csv")).text)
    assert [row["id"] for row in rows] == [item["id"] for item in expected]
    assert json.loads((await _export(directory, "json")).text) == expected

    # Header first, then one chunk per batch of the server-side cursor.
    query = DirectoryQuery(country="PE")
    chunks = [chunk async for chunk in endpoints._csv(directory.database, query.select())]
    assert len(chunks) == 1 + 3  # five Peruvian libraries, two at a time
    assert chunks[0].decode() == ",".join(endpoints.CSV_COLUMNS) + "\r\n"
    pieces = [chunk async for chunk in endpoints._json(directory.database, query.select())]
    assert len(pieces) == 1 + 3 + 1
    assert [item["id"] for item in json.loads(b"".join(pieces))] == [
        item["id"] for item in expected if item["country"] == "PE"
    ]


async def test_a_large_export(directory: MembersUnderTest) -> None:
    bulk = [
        LibraryFields(
            national_id=f"BULK-{i:05d}",
            name=f"Biblioteca de aula {i:05d}",
            type=LibraryType.SCHOOL,
            admin_levels=["Cusco", "Cusco"],
            capabilities=[Capability.INTERNET_ACCESS] if i % 2 else [],
        )
        for i in range(2500)
    ]
    async with directory.database.transaction() as session:
        created, updated = await service.apply_import_batch(session, "PE", bulk, "test:bulk")
    assert (created, updated) == (2500, 0)

    _, rows = _csv_rows((await _export(directory, "csv", country="PE", type="school")).text)
    assert len(rows) == 2501  # and the catalogue's school library
    assert len({row["id"] for row in rows}) == 2501
    items = json.loads((await _export(directory, "json", admin_area="Cusco / Cusco")).text)
    assert len(items) == 2500
    assert [item["name"] for item in items] == sorted(item["name"] for item in items)


async def test_an_empty_export_is_a_header_or_an_empty_array(directory: MembersUnderTest) -> None:
    csv_text = (await _export(directory, "csv", country="CO")).text
    assert csv_text == ",".join(endpoints.CSV_COLUMNS) + "\r\n"
    _, rows = _csv_rows(csv_text)
    assert rows == []
    assert (await _export(directory, "json", q="no such library anywhere")).text == "[]"
    assert json.loads((await _export(directory, "json", country="CO")).text) == []


async def test_export_filters_are_validated(directory: MembersUnderTest) -> None:
    for extension in ("csv", "json"):
        for params in ({"capability": "teleportation"}, {"type": "museum"}, {"country": "P\n"}):
            response = await directory.client.get(f"/libraries/export.{extension}", params=params)
            assert response.status_code == 422, response.text
            assert response.json()["code"] == "validation_failed"


async def test_closed_libraries_are_exported_with_their_status(directory: MembersUnderTest) -> None:
    [miraflores] = await _listed(directory, q="miraflores")
    assert miraflores["name"] == MIRAFLORES["name"]
    closed = await directory.client.post(
        f"/libraries/{miraflores['id']}/close",
        json={"reason": "Cerrada"},
        headers={**directory.secretariat, "If-Match": '"1"'},
    )
    assert closed.status_code == 200, closed.text
    _, rows = _csv_rows((await _export(directory, "csv", status="closed")).text)
    assert [(row["id"], row["status"], row["version"]) for row in rows] == [(miraflores["id"], "closed", "2")]
