"""HTTP API of working groups: reads for everyone; the secretariat forms and describes them; the
secretariat and the group's coordinator manage who is in it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from sirbi_roadmap.access import Secretariat, SignedIn
from sirbi_roadmap.working_groups import repository, service
from sirbi_roadmap.working_groups.models import WorkingGroup
from sirbi_roadmap.working_groups.schemas import CountryJoining, GroupFields, GroupPublic, PersonJoining
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/working-groups", tags=["working groups"])

PROBLEMS = problem_docs(
    {
        401: "Not signed in",
        403: "Neither the secretariat nor the group's coordinator",
        404: "No such group, or not a member of it",
        409: "Name taken, or already a member",
        412: "Stale If-Match",
        428: "If-Match missing",
    }
)
CHANGE = (401, 403, 404, 409, 412, 428)


def _answer(response: Response, group: WorkingGroup) -> GroupPublic:
    public = GroupPublic.of(group)
    set_etag(response, public.version)
    return public


@router.get("", operation_id="list_working_groups", summary="Working groups, by name")
async def list_working_groups(session: SessionDep) -> list[GroupPublic]:
    return [GroupPublic.of(g) for g in await repository.list_all(session)]


@router.get(
    "/{group_id}",
    operation_id="get_working_group",
    summary="One working group",
    responses={404: PROBLEMS[404]},
)
async def get_working_group(group_id: uuid.UUID, session: SessionDep, response: Response) -> GroupPublic:
    return _answer(response, await repository.get(session, group_id))


@router.get(
    "/{group_id}/history",
    operation_id="working_group_history",
    summary="Every change, with who made it",
    responses={404: PROBLEMS[404]},
)
async def working_group_history(group_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    group = await repository.get(session, group_id)
    return await read_history(session, "working_group", str(group.id))


@router.post(
    "",
    status_code=201,
    operation_id="form_working_group",
    summary="Form a working group",
    responses={k: PROBLEMS[k] for k in (401, 403, 409)},
)
async def form_working_group(
    body: GroupFields, session: SessionDep, principal: Secretariat, response: Response
) -> GroupPublic:
    group = await service.form(session, body, principal.subject)
    response.headers["Location"] = f"/working-groups/{group.id}"
    return _answer(response, group)


@router.put(
    "/{group_id}",
    operation_id="update_working_group",
    summary="Replace a group's name, areas and coordinator",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_working_group(
    group_id: uuid.UUID,
    body: GroupFields,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> GroupPublic:
    return _answer(response, await service.describe(session, group_id, body, expected, principal.subject))


@router.post(
    "/{group_id}/countries",
    operation_id="country_joins_working_group",
    summary="A member country joins the group",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def country_joins_working_group(
    group_id: uuid.UUID,
    body: CountryJoining,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> GroupPublic:
    return _answer(response, await service.country_joins(session, group_id, body, expected, principal))


@router.post(
    "/{group_id}/countries/{country}/leave",
    operation_id="country_leaves_working_group",
    summary="A member country leaves the group",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def country_leaves_working_group(
    group_id: uuid.UUID,
    country: str,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> GroupPublic:
    return _answer(response, await service.country_leaves(session, group_id, country, expected, principal))


@router.post(
    "/{group_id}/people",
    operation_id="person_joins_working_group",
    summary="A person joins the group",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def person_joins_working_group(
    group_id: uuid.UUID,
    body: PersonJoining,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> GroupPublic:
    return _answer(response, await service.person_joins(session, group_id, body, expected, principal))


@router.post(
    "/{group_id}/people/{person_id}/leave",
    operation_id="person_leaves_working_group",
    summary="A person leaves the group",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def person_leaves_working_group(
    group_id: uuid.UUID,
    person_id: uuid.UUID,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> GroupPublic:
    return _answer(response, await service.person_leaves(session, group_id, person_id, expected, principal))
