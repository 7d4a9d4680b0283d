"""HTTP API of agreements: reads for everyone; drafting and signing for representatives of a
party's country; the rest of the lifecycle for the secretariat."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from sirbi_agreements.access import Drafter, Secretariat
from sirbi_agreements.agreements import repository, service
from sirbi_agreements.agreements.models import AgreementStatus, AgreementType, CooperationArea
from sirbi_agreements.agreements.schemas import (
    AgreementDraft,
    AgreementPublic,
    AgreementTerms,
    AmendmentInput,
    Reason,
    SignatureInput,
)
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/agreements", tags=["agreements"])


PROBLEMS = problem_docs(
    {
        400: "Cursor not issued by this API",
        401: "Not signed in",
        403: "Not allowed: wrong role, or not your country's agreement or party",
        404: "No such agreement",
        409: "Not allowed in the current status, already signed, code taken, or a party not active",
        412: "Stale If-Match",
        422: "Invalid request, unknown party, or not a party",
        428: "If-Match missing",
    }
)
CHANGE = (401, 403, 404, 409, 412, 422, 428)


def _answer(response: Response, agreement: Any) -> AgreementPublic:
    set_etag(response, agreement.version)
    return AgreementPublic.of(agreement)


@router.get(
    "",
    operation_id="list_agreements",
    summary="Agreements by code, filtered, a page at a time",
    responses={400: PROBLEMS[400]},
)
async def list_agreements(
    session: SessionDep,
    party: Annotated[
        str | None, Query(description="A party's ref: member-state code, network or partner id")
    ] = None,
    country: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2}$", description="Any party of this country (state or network)"),
    ] = None,
    area: Annotated[CooperationArea | None, Query(description="Covers this cooperation area")] = None,
    status: Annotated[AgreementStatus | None, Query()] = None,
    type: Annotated[AgreementType | None, Query()] = None,
    expiring_before: Annotated[
        date | None, Query(description="Signed, in force or suspended, ending before this date")
    ] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[AgreementPublic]:
    filters = repository.AgreementFilter(
        party=(party.upper() if party and len(party) == 2 else party.lower() if party else None),
        country=country.upper() if country else None,
        area=area,
        status=status,
        type=type,
        expiring_before=expiring_before,
    )
    rows, next_cursor = await repository.page(session, filters, cursor, limit)
    return Page(items=[AgreementPublic.of(a) for a in rows], next_cursor=next_cursor)


@router.get(
    "/{agreement_id}", operation_id="get_agreement", summary="One agreement", responses={404: PROBLEMS[404]}
)
async def get_agreement(agreement_id: uuid.UUID, session: SessionDep, response: Response) -> AgreementPublic:
    return _answer(response, await repository.get(session, agreement_id))


@router.get(
    "/{agreement_id}/history",
    operation_id="agreement_history",
    summary="Every version and notice, with who caused it",
    responses={404: PROBLEMS[404]},
)
async def agreement_history(agreement_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    agreement = await repository.get(session, agreement_id)
    return await read_history(session, "agreement", str(agreement.id))


@router.post(
    "",
    status_code=201,
    operation_id="draft_agreement",
    summary="Draft an agreement (a representative only for their own country's agreements)",
    responses={k: PROBLEMS[k] for k in (401, 403, 409, 422)},
)
async def draft_agreement(
    body: AgreementDraft, session: SessionDep, principal: Drafter, response: Response
) -> AgreementPublic:
    agreement = await service.draft(session, body, principal)
    response.headers["Location"] = f"/agreements/{agreement.id}"
    return _answer(response, agreement)


@router.put(
    "/{agreement_id}",
    operation_id="update_draft_agreement",
    summary="Replace a draft's terms and parties",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_draft_agreement(
    agreement_id: uuid.UUID,
    body: AgreementTerms,
    session: SessionDep,
    principal: Drafter,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    return _answer(response, await service.update_draft(session, agreement_id, body, expected, principal))


@router.post(
    "/{agreement_id}/propose",
    operation_id="propose_agreement",
    summary="Circulate a draft for signature (every member-state or network party must be active)",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def propose_agreement(
    agreement_id: uuid.UUID, session: SessionDep, principal: Drafter, expected: IfMatch, response: Response
) -> AgreementPublic:
    return _answer(response, await service.propose(session, agreement_id, expected, principal))


@router.post(
    "/{agreement_id}/signatures",
    operation_id="sign_agreement",
    summary="Sign for one party, once (a representative only for their own country)",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def sign_agreement(
    agreement_id: uuid.UUID,
    body: SignatureInput,
    session: SessionDep,
    principal: Drafter,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    return _answer(response, await service.sign(session, agreement_id, body, expected, principal))


@router.post(
    "/{agreement_id}/amendments",
    status_code=201,
    operation_id="amend_agreement",
    summary="Amend a signed agreement's terms (a new version; the old terms stay in its history)",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def amend_agreement(
    agreement_id: uuid.UUID,
    body: AmendmentInput,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    agreement, amendment = await service.amend(session, agreement_id, body, expected, principal.subject)
    response.headers["Location"] = f"/agreements/{agreement.id}#amendment-{amendment.number}"
    return _answer(response, agreement)


@router.post(
    "/{agreement_id}/suspend",
    operation_id="suspend_agreement",
    summary="Suspend an agreement in force, with a reason",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def suspend_agreement(
    agreement_id: uuid.UUID,
    body: Reason,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    return _answer(
        response, await service.suspend(session, agreement_id, body.reason, expected, principal.subject)
    )


@router.post(
    "/{agreement_id}/resume",
    operation_id="resume_agreement",
    summary="Resume a suspended agreement, or close a review: back to where it was",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def resume_agreement(
    agreement_id: uuid.UUID,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    return _answer(response, await service.resume(session, agreement_id, expected, principal.subject))


@router.post(
    "/{agreement_id}/terminate",
    operation_id="terminate_agreement",
    summary="End an agreement before its time, with a reason",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def terminate_agreement(
    agreement_id: uuid.UUID,
    body: Reason,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> AgreementPublic:
    return _answer(
        response, await service.terminate(session, agreement_id, body.reason, expected, principal.subject)
    )
