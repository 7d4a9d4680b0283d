"""Directory imports: row-by-row validation with a report, idempotent upserts, progress, access
rules, and a job that survives its service stopping half-way."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, text

from services.members.tests.conftest import MembersUnderTest
from sirbi_members.demo_data import seed_reference_data
from sirbi_members.imports import runner as runner_module
from sirbi_members.imports.csv_rows import HEADER
from sirbi_members.imports.models import DirectoryImport, ImportStatus
from sirbi_members.imports.runner import DirectoryImportRunner, spool_path
from sirbi_members.libraries.models import Library
from sirbi_shared.auth import Role
from sirbi_shared.outbox.tables import outbox_table

GOOD = [
    "PE-LiBN,,Biblioteca Nacional del Perú,national,Lima,Lima,San Borja,,Av. De la Poesía 160,-12.0874,-77.0044,open,internet_access;public_computers",
    ",150101-0001,Biblioteca Municipal de Miraflores,public,Lima,Lima,Miraflores,,Av. Larco 770,,,open,digital_content",
    "PE-BMT,,Biblioteca Municipal de Trujillo,public,La Libertad,Trujillo,Trujillo,,,,,planned,",
]
BAD = {
    ",,Sin identificador,public,Lima,,,,,,,open,": "an ISIL or a national id",
    "PE-Li BN,,Espacio en el ISIL,public,Lima,,,,,,,open,": "PREFIX-identifier",
    "CL-SNBP,,ISIL de otro país,public,Lima,,,,,,,open,": "belongs to CL",
    "pe-libn,,Duplicado del primero,public,Lima,,,,,,,open,": "duplicate of line 2",
    "PE-X1,,Coordenadas a medias,public,Lima,,,,,-12.1,,open,": "latitude and longitude go together",
    "PE-X2,,Tipo desconocido,palace,Lima,,,,,,,open,": "type",
    "PE-X3,,Capacidad desconocida,public,Lima,,,,,,,open,wifi": "capabilities",
    "PE-X4,,Demasiadas columnas,public,Lima,,,,,,,open,,extra": "more values than columns",
}


def _csv(*rows: str) -> bytes:
    return ("\n".join([",".join(HEADER), *rows]) + "\n").encode()


async def _start(members: MembersUnderTest, body: bytes, country: str = "PE", **headers: str) -> Any:
    return await members.client.post(
        "/libraries/imports",
        params={"country": country, "file_name": "directorio.csv"},
        content=body,
        headers={**members.secretariat, "content-type": "text/csv", **headers},
    )


async def _finished(members: MembersUnderTest, job_id: str) -> dict[str, Any]:
    async with asyncio.timeout(60):
        while True:
            job: dict[str, Any] = (await members.client.get(f"/libraries/imports/{job_id}")).json()
            if job["status"] in ("completed", "failed"):
                return job
            await asyncio.sleep(0.05)


async def _import(members: MembersUnderTest, body: bytes) -> dict[str, Any]:
    started = await _start(members, body)
    assert started.status_code == 202, started.text
    assert started.headers["location"] == f"/libraries/imports/{started.json()['id']}"
    return await _finished(members, started.json()["id"])


async def _directory_events(members: MembersUnderTest) -> list[str]:
    async with members.database.transaction() as session:
        rows = await session.execute(
            select(outbox_table.c.event_type)
            .where(outbox_table.c.topic == "sirbi.directory.v1")
            .order_by(outbox_table.c.id)
        )
        return list(rows.scalars())


@pytest.fixture
async def seeded(members: MembersUnderTest) -> MembersUnderTest:
    await seed_reference_data(members.database)
    return members


async def test_good_rows_import_and_bad_rows_are_reported_with_their_lines(seeded: MembersUnderTest) -> None:
    bad = list(BAD)
    job = await _import(seeded, _csv(*GOOD, *bad))
    assert job["status"] == "completed"
    assert (job["total_rows"], job["rows_done"], job["progress"]) == (
        len(GOOD) + len(BAD),
        len(GOOD) + len(BAD),
        1.0,
    )
    assert (job["created"], job["updated"], job["unchanged"], job["rejected"]) == (3, 0, 0, len(BAD))

    report = (await seeded.client.get(f"/libraries/imports/{job['id']}/rejections")).json()
    assert [r["line"] for r in report["items"]] == list(range(2 + len(GOOD), 2 + len(GOOD) + len(BAD)))
    for rejection, expected in zip(report["items"], BAD.values(), strict=True):
        assert expected in rejection["reason"], rejection

    async with seeded.database.transaction() as session:
        libraries = (await session.execute(select(Library).order_by(Library.name))).scalars().all()
    assert [lib.name for lib in libraries] == sorted(row.split(",")[2] for row in GOOD)
    trujillo = next(lib for lib in libraries if lib.isil == "PE-BMT")
    assert trujillo.admin_levels == ["La Libertad", "Trujillo", "Trujillo"]
    assert trujillo.status == "planned"
    assert await _directory_events(seeded) == [
        "org.sirbi.members.directoryimport.started.v1",
        *["org.sirbi.members.library.registered.v1"] * 3,
        "org.sirbi.members.directoryimport.completed.v1",
    ]


async def test_the_same_file_twice_changes_nothing_the_second_time(seeded: MembersUnderTest) -> None:
    await _import(seeded, _csv(*GOOD))
    before = await _directory_events(seeded)
    again = await _import(seeded, _csv(*GOOD))
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 3, 0)
    after = await _directory_events(seeded)
    assert after[len(before) :] == [
        "org.sirbi.members.directoryimport.started.v1",
        "org.sirbi.members.directoryimport.completed.v1",
    ], "no library event for unchanged rows"

    changed = GOOD[2].replace("planned", "open")
    third = await _import(seeded, _csv(GOOD[0], GOOD[1], changed))
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 2)
    async with seeded.database.transaction() as session:
        trujillo = (await session.execute(select(Library).where(Library.isil == "PE-BMT"))).scalar_one()
    assert (trujillo.status, trujillo.version) == ("open", 2)


@pytest.mark.parametrize(
    ("country", "body", "headers", "status", "code"),
    [
        ("US", _csv(*GOOD), {}, 422, "unknown_member_state"),
        ("XX", _csv(*GOOD), {}, 422, "validation_failed"),
        ("PE", b"nombre,codigo\nx,y\n", {}, 422, "invalid_csv_header"),
        ("PE", b"", {}, 422, "invalid_csv_header"),
        ("PE", b"\xff\xfe" + _csv(*GOOD), {}, 422, "unreadable_csv"),
        ("PE", _csv(*GOOD), {"content-type": "application/json"}, 415, "unsupported_media_type"),
    ],
)
async def test_files_that_cannot_be_imported_are_refused_up_front(
    seeded: MembersUnderTest, country: str, body: bytes, headers: dict[str, str], status: int, code: str
) -> None:
    response = await _start(seeded, body, country, **headers)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    async with seeded.database.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(DirectoryImport))).scalar_one() == 0


@pytest.mark.parametrize(
    ("roles", "country", "status", "code"),
    [
        ((Role.REPRESENTATIVE,), "CL", 403, "country_scope"),
        ((Role.OBSERVER,), None, 403, "forbidden"),
        ((), None, 401, "authentication_required"),
    ],
)
async def test_only_the_country_or_the_secretariat_imports(
    seeded: MembersUnderTest, roles: tuple[Role, ...], country: str | None, status: int, code: str
) -> None:
    auth = seeded.auth(*roles, country=country) if roles else {}
    response = await seeded.client.post(
        "/libraries/imports",
        params={"country": "PE"},
        content=_csv(*GOOD),
        headers={"content-type": "text/csv", **auth},
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    async with seeded.database.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Library))).scalar_one() == 0


async def test_a_representative_imports_their_own_country(seeded: MembersUnderTest) -> None:
    response = await seeded.client.post(
        "/libraries/imports",
        params={"country": "PE"},
        content=_csv(*GOOD),
        headers={
            "content-type": "text/csv",
            **seeded.auth(Role.REPRESENTATIVE, country="PE", subject="rosa.pe"),
        },
    )
    assert response.status_code == 202
    job = await _finished(seeded, response.json()["id"])
    assert (job["created"], job["started_by"]) == (3, "rosa.pe")


async def test_a_job_stopped_half_way_resumes_where_it_stopped(
    seeded: MembersUnderTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    rows = [f"PE-R{i:04d},,Biblioteca {i},public,Lima,,,,,,,open," for i in range(40)]
    job_id = uuid.uuid4()
    spool_path(tmp_path, job_id).write_bytes(_csv(*rows))
    async with seeded.database.transaction() as session:
        session.add(
            DirectoryImport(
                id=job_id,
                country="PE",
                status=ImportStatus.QUEUED,
                rows_done=0,
                created=0,
                updated=0,
                unchanged=0,
                rejected=0,
                started_by="tester",
            )
        )
    monkeypatch.setattr(runner_module, "BATCH_ROWS", 5)

    first = DirectoryImportRunner(seeded.database, tmp_path)
    task = asyncio.create_task(first.run())
    async with asyncio.timeout(60):
        while await _rows_done(seeded, job_id) < 10:
            await asyncio.sleep(0.01)
    task.cancel()  # the service stops mid-file
    await asyncio.gather(task, return_exceptions=True)
    assert await _rows_done(seeded, job_id) < 40

    second = DirectoryImportRunner(seeded.database, tmp_path)
    task = asyncio.create_task(second.run())
    try:
        async with asyncio.timeout(60):
            while (await _status(seeded, job_id)) != "completed":
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async with seeded.database.transaction() as session:
        job = await session.get(DirectoryImport, job_id)
        assert job is not None
        assert (job.rows_done, job.created, job.unchanged, job.rejected) == (40, 40, 0, 0)
        registered = (
            await session.execute(
                text(
                    "SELECT count(*), count(DISTINCT partition_key) FROM outbox WHERE event_type LIKE '%library.registered%'"
                )
            )
        ).one()
    assert tuple(registered) == (40, 40), "each library announced exactly once across the restart"
    assert not spool_path(tmp_path, job_id).exists()


async def _rows_done(members: MembersUnderTest, job_id: uuid.UUID) -> int:
    async with members.database.transaction() as session:
        return int(
            (
                await session.execute(select(DirectoryImport.rows_done).where(DirectoryImport.id == job_id))
            ).scalar_one()
        )


async def _status(members: MembersUnderTest, job_id: uuid.UUID) -> str:
    async with members.database.transaction() as session:
        return str(
            (
                await session.execute(select(DirectoryImport.status).where(DirectoryImport.id == job_id))
            ).scalar_one()
        )
