"""HTTP API of representatives: reads for everyone (contact data only when signed in); changes
for the secretariat and for the representatives of the record's country."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from sirbi_members.access import Editor
from sirbi_members.representatives import repository, service
from sirbi_members.representatives.models import RepresentativeRole
from sirbi_members.representatives.schemas import (
    RepresentativeAppointment,
    RepresentativeChanges,
    RepresentativeEnd,
    RepresentativeRead,
)
from sirbi_shared.auth.dependencies import OptionalPrincipal
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/representatives", tags=["representatives"])

PROBLEMS = problem_docs(
    {
        400: "A cursor this API did not issue",
        401: "Not signed in, or an invalid token",
        403: "Neither the secretariat nor a representative of the record's country",
        404: "No such representative",
        409: "The appointment already ended",
        412: "Stale If-Match",
        422: "Invalid fields, `unknown_member_state`, `network_not_in_country` or `ended_before_appointed`",
        428: "If-Match missing",
    }
)


@router.get(
    "",
    operation_id="list_representatives",
    summary="List representatives (contact data only when signed in)",
    responses={k: PROBLEMS[k] for k in (400, 401)},
)
async def list_representatives(
    session: SessionDep,
    principal: OptionalPrincipal,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Only this member state")
    ] = None,
    role: Annotated[RepresentativeRole | None, Query(description="Only this role")] = None,
    active: Annotated[
        bool | None, Query(description="true: appointments not ended; false: ended ones")
    ] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Representatives per page")] = 50,
) -> Page[RepresentativeRead]:
    representatives, next_cursor = await repository.list_page(
        session, country=country, role=role, active=active, cursor=cursor, limit=limit
    )
    items = [RepresentativeRead.of(r, with_contact=principal is not None) for r in representatives]
    return Page[RepresentativeRead](items=items, next_cursor=next_cursor)


@router.get(
    "/{representative_id}",
    operation_id="get_representative",
    summary="One representative (contact data only when signed in)",
    responses={k: PROBLEMS[k] for k in (401, 404)},
)
async def get_representative(
    representative_id: uuid.UUID, session: SessionDep, principal: OptionalPrincipal, response: Response
) -> RepresentativeRead:
    representative = await repository.get(session, representative_id)
    set_etag(response, representative.version)
    return RepresentativeRead.of(representative, with_contact=principal is not None)


@router.get(
    "/{representative_id}/history",
    operation_id="representative_history",
    summary="Every change, with who made it (without contact data)",
    responses={404: PROBLEMS[404]},
)
async def representative_history(representative_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    representative = await repository.get(session, representative_id)
    return await read_history(session, "representative", str(representative.id))


@router.post(
    "",
    status_code=201,
    operation_id="appoint_representative",
    summary="Appoint a focal point or an alternate",
    responses={k: PROBLEMS[k] for k in (401, 403, 422)},
)
async def appoint_representative(
    body: RepresentativeAppointment, session: SessionDep, principal: Editor, response: Response
) -> RepresentativeRead:
    representative = await service.appoint(session, body, principal)
    set_etag(response, representative.version)
    response.headers["Location"] = f"/representatives/{representative.id}"
    return RepresentativeRead.of(representative, with_contact=True)


@router.patch(
    "/{representative_id}",
    operation_id="update_representative",
    summary="Change a representative's position, entity, network, role or contact data",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 412, 422, 428)},
)
async def update_representative(
    representative_id: uuid.UUID,
    body: RepresentativeChanges,
    session: SessionDep,
    principal: Editor,
    expected: IfMatch,
    response: Response,
) -> RepresentativeRead:
    representative = await service.revise(session, representative_id, body, expected, principal)
    set_etag(response, representative.version)
    return RepresentativeRead.of(representative, with_contact=True)


@router.post(
    "/{representative_id}/end",
    operation_id="end_representative",
    summary="Record that an appointment ended",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409, 412, 422, 428)},
)
async def end_representative(
    representative_id: uuid.UUID,
    body: RepresentativeEnd,
    session: SessionDep,
    principal: Editor,
    expected: IfMatch,
    response: Response,
) -> RepresentativeRead:
    representative = await service.end(session, representative_id, body.ended_on, expected, principal)
    set_etag(response, representative.version)
    return RepresentativeRead.of(representative, with_contact=True)
