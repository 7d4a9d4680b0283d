"""HTTP API of the library directory: search, read and export for everyone; changes for the
secretariat and for each country's representative (their own country's libraries only)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select

from sirbi_members.access import Editor, ensure_country_scope
from sirbi_members.libraries import repository, service
from sirbi_members.libraries.models import Capability, Library, LibraryStatus, LibraryType
from sirbi_members.libraries.schemas import LibraryCreate, LibraryFields, LibraryPublic
from sirbi_members.libraries.search import DirectoryQuery, page_cursor
from sirbi_shared.db import Database, SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/libraries", tags=["library directory"])

EXPORT_BATCH = 1000  # rows fetched from the server-side cursor, and written, at a time

# The import's columns (isil … capabilities) framed by what only the directory knows.
CSV_COLUMNS = (
    "id",
    "country",
    "isil",
    "national_id",
    "name",
    "type",
    "admin_1",
    "admin_2",
    "admin_3",
    "admin_4",
    "address",
    "latitude",
    "longitude",
    "status",
    "capabilities",
    "version",
    "updated_at",
)
ADMIN_COLUMNS = 4


# -- documentation ------------------------------------------------------------------------------

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; branch on `code`.",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
    },
    "additionalProperties": True,
}


def _problem(status: int, description: str, *examples: tuple[str, str]) -> dict[str, Any]:
    """A documented problem response with one example per `code` it may carry."""
    return {
        "description": description,
        "content": {
            "application/problem+json": {
                "schema": _PROBLEM_SCHEMA,
                "examples": {
                    code: {
                        "summary": detail,
                        "value": {
                            "type": f"urn:sirbi:problem:{code}",
                            "title": description,
                            "status": status,
                            "code": code,
                            "detail": detail,
                        },
                    }
                    for code, detail in examples
                },
            }
        },
    }


PROBLEMS: dict[int, dict[str, Any]] = {
    400: _problem(
        400,
        "Bad request",
        ("invalid_cursor", "The cursor is not one this API issued."),
        ("invalid_if_match", 'If-Match must be an ETag such as "3".'),
    ),
    401: _problem(401, "Not signed in", ("authentication_required", "Sign in to change the directory.")),
    403: _problem(
        403,
        "Not allowed",
        ("forbidden", "Only the secretariat and national representatives change the directory."),
        ("country_scope", "You can change records of your own country only, not of CL."),
    ),
    404: _problem(404, "No such library", ("library_not_found", "No library 0b6f…")),
    409: _problem(
        409,
        "Conflict with the directory",
        ("library_exists", "A library with this ISIL or national id is already in the directory."),
        ("library_closed", "A closed library cannot be edited."),
    ),
    412: _problem(
        412,
        "Stale If-Match",
        ("version_mismatch", "The record changed since you read it (you sent version 1, it is now 2)."),
    ),
    422: _problem(
        422,
        "Invalid request",
        ("validation_failed", "The request has invalid fields."),
        ("unknown_member_state", "US is not a member state."),
    ),
    428: _problem(
        428, "If-Match missing", ("if_match_required", "Send the ETag of the version you read in If-Match.")
    ),
}


def _responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: PROBLEMS[status] for status in statuses}


_ETAG_HEADER = {
    "ETag": {"description": 'The version, to send back in If-Match: `"1"`', "schema": {"type": "string"}}
}

_LIBRARY_EXAMPLE: dict[str, Any] = {
    "id": "0b6f7c52-3c1e-4b7e-9a43-2f5d0c1a9e10",
    "country": "PE",
    "isil": "PE-BPMM",
    "national_id": "150122-0001",
    "name": "Biblioteca Pública Municipal de Miraflores",
    "type": "public",
    "admin_levels": ["Lima", "Lima", "Miraflores"],
    "admin_area": "Lima / Lima / Miraflores",
    "address": "Av. Larco 770",
    "coordinates": {"latitude": -12.1211, "longitude": -77.0297},
    "status": "open",
    "capabilities": ["internet_access", "public_computers"],
    "version": 1,
    "updated_at": "2026-11-22T14:05:00Z",
}

_CSV_EXAMPLE = (
    ",".join(CSV_COLUMNS) + "\r\n"
    "0b6f7c52-3c1e-4b7e-9a43-2f5d0c1a9e10,PE,PE-BPMM,150122-0001,"
    "Biblioteca Pública Municipal de Miraflores,public,Lima,Lima,Miraflores,,Av. Larco 770,"
    "-12.1211,-77.0297,open,internet_access;public_computers,1,2026-11-22T14:05:00+00:00\r\n"
)

_FIELDS_EXAMPLE = {k: v for k, v in _LIBRARY_EXAMPLE.items() if k in LibraryFields.model_fields}


class CloseRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "The municipality closed the building"}]}
    )

    reason: str = Field(min_length=3, max_length=1000, description="Why the library closed for good")


# -- searching ----------------------------------------------------------------------------------


async def _directory_query(
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words that must all appear in the name, place, address or ids; "
            "case and accents are ignored",
            examples=["biblioteca publica miraflores"],
        ),
    ] = None,
    country: Annotated[
        str | None,
        Query(pattern="^[A-Za-z]{2}$", description="Member state (ISO 3166-1 alpha-2)", examples=["PE"]),
    ] = None,
    type: Annotated[LibraryType | None, Query(description="Only this type")] = None,
    status: Annotated[LibraryStatus | None, Query(description="Only this status")] = None,
    admin_area: Annotated[
        str | None,
        Query(
            max_length=800,
            description="An administrative area and everything in it, top level first, levels "
            'separated by "/" (whole levels: "Lima" does not match "Limache")',
            examples=["Lima / Lima"],
        ),
    ] = None,
    capability: Annotated[
        list[Capability] | None,
        Query(description="Repeat for several; a library must have all of them"),
    ] = None,
) -> DirectoryQuery:
    return DirectoryQuery(
        text=q,
        country=country,
        type=type,
        status=status,
        admin_area=admin_area,
        capabilities=tuple(capability or ()),
    )


Filters = Annotated[DirectoryQuery, Depends(_directory_query)]


@router.get(
    "",
    operation_id="search_libraries",
    summary="Search the directory",
    description="Libraries in directory order (country, name), a page at a time; all filters must hold.",
    responses=_responses(400),
)
async def search_libraries(
    session: SessionDep,
    query: Filters,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Libraries per page")] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> Page[LibraryPublic]:
    rows, _ = await repository.search_page(session, query, limit, cursor)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[LibraryPublic.of(library) for library in rows],
        next_cursor=page_cursor(rows[-1]) if more else None,
    )


# -- exporting ----------------------------------------------------------------------------------
# Registered before `/{library_id}` so that `export.csv` is never taken for an id.


async def _batches(database: Database, statement: Select[Library]) -> AsyncIterator[Sequence[Library]]:
    """The rows of `statement` a batch at a time, through a server-side cursor.

    The generator has a session of its own: the request's session is closed before the
    response body is streamed.
    """
    async with database.sessions() as session, session.begin():
        result = await session.stream_scalars(statement.execution_options(yield_per=EXPORT_BATCH))
        async for batch in result.partitions():
            yield batch  # the identity map holds rows weakly: written-out batches are let go


def _admin_columns(levels: Sequence[str]) -> list[str]:
    """admin_1 … admin_4; deeper levels (the API accepts up to 6) share the last column."""
    head = list(levels[: ADMIN_COLUMNS - 1])
    rest = " / ".join(levels[ADMIN_COLUMNS - 1 :])
    return [*head, rest] + [""] * (ADMIN_COLUMNS - 1 - len(head))


def _csv_row(library: Library) -> list[Any]:
    return [
        str(library.id),
        library.country,
        library.isil or "",
        library.national_id or "",
        library.name,
        library.type,
        *_admin_columns(library.admin_levels),
        library.address or "",
        "" if library.latitude is None else repr(library.latitude),
        "" if library.longitude is None else repr(library.longitude),
        library.status,
        ";".join(library.capabilities),
        library.version,
        library.updated_at.isoformat(),
    ]


async def _csv(database: Database, statement: Select[Library]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        chunk = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate(0)
        return chunk

    writer.writerow(CSV_COLUMNS)
    yield flush()
    async for batch in _batches(database, statement):
        writer.writerows(_csv_row(library) for library in batch)
        yield flush()


async def _json(database: Database, statement: Select[Library]) -> AsyncIterator[bytes]:
    yield b"["
    separator = b""
    async for batch in _batches(database, statement):
        chunk = b",".join(LibraryPublic.of(library).model_dump_json().encode() for library in batch)
        yield separator + chunk
        separator = b","
    yield b"]"


def _export(
    request: Request,
    query: DirectoryQuery,
    extension: str,
    media_type: str,
    body: Callable[[Database, Select[Library]], AsyncIterator[bytes]],
) -> StreamingResponse:
    database: Database = request.app.state.database
    filename = f"directory-{query.country.upper()}.{extension}" if query.country else f"directory.{extension}"
    return StreamingResponse(
        body(database, query.select()),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


_DISPOSITION_HEADER = {
    "Content-Disposition": {
        "description": 'The file to save as: `attachment; filename="directory-PE.csv"` (or `.json`)',
        "schema": {"type": "string"},
    }
}


@router.get(
    "/export.csv",
    operation_id="export_libraries_csv",
    summary="Export the directory as CSV",
    description="Every library matching the filters (no pages), streamed. The columns from `isil` "
    "to `capabilities` are the import's, so an export can be edited and imported again; `id`, "
    "`country`, `version` and `updated_at` are ignored by the import.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The libraries, one per row, with a header row",
            "headers": _DISPOSITION_HEADER,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE}},
        },
        **_responses(422),
    },
)
async def export_libraries_csv(request: Request, query: Filters) -> StreamingResponse:
    return _export(request, query, "csv", "text/csv; charset=utf-8", _csv)


@router.get(
    "/export.json",
    operation_id="export_libraries_json",
    summary="Export the directory as JSON",
    description="Every library matching the filters (no pages), streamed as one JSON array.",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The libraries as an array",
            "headers": _DISPOSITION_HEADER,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/LibraryPublic"}},
                    "example": [_LIBRARY_EXAMPLE],
                }
            },
        },
        **_responses(422),
    },
)
async def export_libraries_json(request: Request, query: Filters) -> StreamingResponse:
    return _export(request, query, "json", "application/json", _json)


# -- one library --------------------------------------------------------------------------------


@router.get(
    "/{library_id}",
    operation_id="get_library",
    summary="One library",
    responses={200: {"headers": _ETAG_HEADER}, **_responses(404)},
)
async def get_library(library_id: uuid.UUID, session: SessionDep, response: Response) -> LibraryPublic:
    library = await repository.get(session, library_id)
    set_etag(response, library.version)
    return LibraryPublic.of(library)


@router.get(
    "/{library_id}/history",
    operation_id="library_history",
    summary="Every change, with who made it and the state it left",
    responses=_responses(404),
)
async def library_history(library_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    library = await repository.get(session, library_id)
    return await read_history(session, "library", str(library.id))


@router.post(
    "",
    status_code=201,
    operation_id="register_library",
    summary="Add a library to the directory",
    description="A representative adds libraries of their own country only. The ISIL, when given, "
    "must be valid and, with a country prefix, of the library's country.",
    responses={
        201: {
            "headers": {
                **_ETAG_HEADER,
                "Location": {"description": "The new library", "schema": {"type": "string"}},
            }
        },
        **_responses(401, 403, 409, 422),
    },
)
async def register_library(
    body: Annotated[
        LibraryCreate,
        Body(
            openapi_examples={
                "with ISIL": {
                    "summary": "A public library with ISIL and national id",
                    "value": {"country": "PE", **_FIELDS_EXAMPLE},
                },
                "national id only": {
                    "summary": "A school library without ISIL",
                    "value": {
                        "country": "CL",
                        "national_id": "RBD-8455",
                        "name": "Biblioteca Escolar CRA Liceo de Aplicación",
                        "type": "school",
                        "admin_levels": ["Metropolitana de Santiago", "Santiago", "Santiago"],
                    },
                },
            }
        ),
    ],
    session: SessionDep,
    principal: Editor,
    response: Response,
) -> LibraryPublic:
    ensure_country_scope(principal, body.country)
    library = await service.register(session, body, principal.subject)
    set_etag(response, library.version)
    response.headers["Location"] = f"/libraries/{library.id}"
    return LibraryPublic.of(library)


@router.put(
    "/{library_id}",
    operation_id="describe_library",
    summary="Replace a library's description",
    description="Country and id stay; everything else is replaced. Sending what is already stored "
    "changes nothing (same version, no event).",
    responses={200: {"headers": _ETAG_HEADER}, **_responses(400, 401, 403, 404, 409, 412, 422, 428)},
)
async def describe_library(
    library_id: uuid.UUID,
    body: Annotated[
        LibraryFields,
        Body(openapi_examples={"description": {"summary": "A new description", "value": _FIELDS_EXAMPLE}}),
    ],
    session: SessionDep,
    principal: Editor,
    expected: IfMatch,
    response: Response,
) -> LibraryPublic:
    stored = await repository.get(session, library_id)
    ensure_country_scope(principal, stored.country)
    library = await service.describe(session, library_id, body, expected, principal.subject)
    set_etag(response, library.version)
    return LibraryPublic.of(library)


@router.post(
    "/{library_id}/close",
    operation_id="close_library",
    summary="Record that a library closed for good, with a reason",
    description="A closed library stays in the directory (status `closed`) and can no longer be edited.",
    responses={200: {"headers": _ETAG_HEADER}, **_responses(400, 401, 403, 404, 409, 412, 422, 428)},
)
async def close_library(
    library_id: uuid.UUID,
    body: CloseRequest,
    session: SessionDep,
    principal: Editor,
    expected: IfMatch,
    response: Response,
) -> LibraryPublic:
    stored = await repository.get(session, library_id)
    ensure_country_scope(principal, stored.country)
    library = await service.close(session, library_id, body.reason, expected, principal.subject)
    set_etag(response, library.version)
    return LibraryPublic.of(library)
