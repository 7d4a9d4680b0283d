"""HTTP API of the partner register: reads for everyone, changes for the secretariat."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from sirbi_agreements.access import Secretariat
from sirbi_agreements.partners import repository, service
from sirbi_agreements.partners.schemas import PartnerFields, PartnerPublic
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/partners", tags=["partners"])


PROBLEMS = problem_docs(
    {
        401: "Not signed in",
        403: "Not the secretariat",
        404: "No such partner",
        409: "Another partner has this name",
        412: "Stale If-Match",
        428: "If-Match missing",
    }
)


@router.get("", operation_id="list_partners", summary="Registered external partners, by name")
async def list_partners(session: SessionDep) -> list[PartnerPublic]:
    return [PartnerPublic.of(p) for p in await repository.list_all(session)]


@router.get(
    "/{partner_id}", operation_id="get_partner", summary="One partner", responses={404: PROBLEMS[404]}
)
async def get_partner(partner_id: uuid.UUID, session: SessionDep, response: Response) -> PartnerPublic:
    partner = await repository.get(session, partner_id)
    set_etag(response, partner.version)
    return PartnerPublic.of(partner)


@router.get(
    "/{partner_id}/history",
    operation_id="partner_history",
    summary="Every change, with who made it",
    responses={404: PROBLEMS[404]},
)
async def partner_history(partner_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    partner = await repository.get(session, partner_id)
    return await read_history(session, "partner", str(partner.id))


@router.post(
    "",
    status_code=201,
    operation_id="register_partner",
    summary="Register an external partner",
    responses={k: PROBLEMS[k] for k in (401, 403, 409)},
)
async def register_partner(
    body: PartnerFields, session: SessionDep, principal: Secretariat, response: Response
) -> PartnerPublic:
    partner = await service.register(session, body, principal.subject)
    set_etag(response, partner.version)
    response.headers["Location"] = f"/partners/{partner.id}"
    return PartnerPublic.of(partner)


@router.put(
    "/{partner_id}",
    operation_id="update_partner",
    summary="Replace a partner's description",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409, 412, 428)},
)
async def update_partner(
    partner_id: uuid.UUID,
    body: PartnerFields,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> PartnerPublic:
    partner = await service.update(session, partner_id, body, expected, principal.subject)
    set_etag(response, partner.version)
    return PartnerPublic.of(partner)
