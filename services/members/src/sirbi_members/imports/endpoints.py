"""HTTP API of directory imports: upload a CSV (streamed to disk), follow the job, read its report."""

from __future__ import annotations

import csv
import uuid
from typing import Annotated, Any, cast

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from sqlalchemy import select

from sirbi_members.access import Editor, ensure_country_scope
from sirbi_members.imports.csv_rows import HEADER, InvalidHeader, check_header
from sirbi_members.imports.models import DirectoryImport, ImportStatus, RejectedRow
from sirbi_members.imports.runner import DirectoryImportRunner, spool_path
from sirbi_members.imports.schemas import DirectoryImportPublic, RejectedRowPublic
from sirbi_members.libraries import service as libraries
from sirbi_members.libraries.events import DirectoryImportStarted
from sirbi_members.member_states.schemas import CountryCode
from sirbi_members.streams import directory_outbox
from sirbi_shared.db import SessionDep
from sirbi_shared.history import ChangeEntry
from sirbi_shared.http.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError

router = APIRouter(prefix="/libraries/imports", tags=["library directory imports"])

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
_EXAMPLE = (
    ",".join(HEADER)
    + "\nPE-LiBN,,Biblioteca Nacional del Perú,national,Lima,Lima,San Borja,,Av. De la Poesía 160,"
    + "-12.0874,-77.0044,open,internet_access;public_computers\n"
)
_CSV_BODY = {
    "requestBody": {
        "required": True,
        "description": "The directory as CSV, UTF-8, header row first. Columns: " + ", ".join(HEADER) + ".",
        "content": {
            "text/csv": {
                "schema": {"type": "string", "format": "binary"},
                "example": _EXAMPLE,
            }
        },
    }
}


def _runner(request: Request) -> DirectoryImportRunner:
    return cast(DirectoryImportRunner, request.app.state.runtime.workers[DirectoryImportRunner.name])


async def _job(session: Any, job_id: uuid.UUID) -> DirectoryImport:
    job = await session.get(DirectoryImport, job_id)
    if job is None:
        raise ProblemError(404, "import_not_found", f"No directory import {job_id}.")
    return cast(DirectoryImport, job)


@router.post(
    "",
    status_code=202,
    operation_id="start_directory_import",
    summary="Upload a national directory CSV; it is imported in the background",
    openapi_extra=_CSV_BODY,
    responses={
        401: {"description": "Not signed in", **_PROBLEM},
        403: {"description": "Not allowed for this country", **_PROBLEM},
        413: {"description": "File too large", **_PROBLEM},
        415: {"description": "Not text/csv", **_PROBLEM},
        422: {"description": "Unknown member state, or a header that is not the directory's", **_PROBLEM},
    },
)
async def start_directory_import(
    request: Request,
    country: Annotated[CountryCode, Query(description="The member state whose directory this is")],
    session: SessionDep,
    principal: Editor,
    response: Response,
    background: BackgroundTasks,
    file_name: Annotated[str | None, Query(max_length=255, description="Shown in the job")] = None,
) -> DirectoryImportPublic:
    ensure_country_scope(principal, country)
    await libraries.ensure_member_state(session, country)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("text/csv", "application/csv"):
        raise ProblemError(415, "unsupported_media_type", "Send the directory as text/csv.")
    runner = _runner(request)
    job_id = uuid.uuid4()
    path = spool_path(runner.spool_dir, job_id)
    runner.spool_dir.mkdir(parents=True, exist_ok=True)
    try:
        # Streamed to disk as it arrives: the file is never held in memory.
        with path.open("wb") as spool:
            async for chunk in request.stream():
                spool.write(chunk)
        with path.open(newline="", encoding="utf-8") as text:
            check_header(next(csv.reader(text), None))
    except InvalidHeader as exc:
        path.unlink(missing_ok=True)
        raise ProblemError(422, "invalid_csv_header", str(exc), expected_columns=HEADER) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        path.unlink(missing_ok=True)
        raise ProblemError(422, "unreadable_csv", f"The file is not UTF-8 CSV: {exc}") from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = DirectoryImport(
        id=job_id,
        country=country,
        file_name=file_name,
        status=ImportStatus.QUEUED,
        rows_done=0,
        created=0,
        updated=0,
        unchanged=0,
        rejected=0,
        started_by=principal.subject,
    )
    session.add(job)
    await session.flush()
    await session.refresh(job)
    await directory_outbox.add(
        session,
        DirectoryImportStarted(
            job_id=job_id, country=country, file_name=file_name, started_by=principal.subject
        ),
        aggregate_id=str(job_id),
        history=ChangeEntry(
            aggregate_type="directory_import",
            aggregate_id=str(job_id),
            version=1,
            action="started",
            actor=principal.subject,
            state={"country": country, "file_name": file_name},
        ),
    )
    # Handed to the runner once the response is sent, i.e. after the job row has committed.
    background.add_task(runner.submit, job_id)
    response.headers["Location"] = f"/libraries/imports/{job_id}"
    return DirectoryImportPublic.of(job)


@router.get("", operation_id="list_directory_imports", summary="Recent imports, newest first")
async def list_directory_imports(
    session: SessionDep, country: Annotated[str | None, Query(min_length=2, max_length=2)] = None
) -> list[DirectoryImportPublic]:
    statement = select(DirectoryImport).order_by(DirectoryImport.created_at.desc()).limit(100)
    if country:
        statement = statement.where(DirectoryImport.country == country.upper())
    return [DirectoryImportPublic.of(job) for job in (await session.execute(statement)).scalars()]


@router.get(
    "/{job_id}",
    operation_id="get_directory_import",
    summary="An import's progress (rows done of total) and counts",
    responses={404: {"description": "No such import", **_PROBLEM}},
)
async def get_directory_import(job_id: uuid.UUID, session: SessionDep) -> DirectoryImportPublic:
    return DirectoryImportPublic.of(await _job(session, job_id))


@router.get(
    "/{job_id}/rejections",
    operation_id="list_directory_import_rejections",
    summary="The report: each rejected row's line number and reason",
    responses={
        404: {"description": "No such import", **_PROBLEM},
        400: {"description": "Bad cursor", **_PROBLEM},
    },
)
async def list_rejections(
    job_id: uuid.UUID,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: str | None = None,
) -> Page[RejectedRowPublic]:
    await _job(session, job_id)
    after = decode_cursor(cursor, 1)
    statement = (
        select(RejectedRow).where(RejectedRow.import_id == job_id).order_by(RejectedRow.line).limit(limit + 1)
    )
    if after is not None:
        statement = statement.where(RejectedRow.line > int(after[0]))
    rows = list((await session.execute(statement)).scalars())
    next_cursor = encode_cursor([rows[limit - 1].line]) if len(rows) > limit else None
    return Page[RejectedRowPublic](
        items=[RejectedRowPublic.of(r) for r in rows[:limit]], next_cursor=next_cursor
    )
