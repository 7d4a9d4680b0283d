"""HTTP API of actions and the working groups' boards. Reads for everyone; proposals by
representatives (for their country) and coordinators; the group's coordinator manages an action;
its members report progress."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from sirbi_roadmap.access import SignedIn
from sirbi_roadmap.actions import repository, service
from sirbi_roadmap.actions.models import Action, ActionStatus
from sirbi_roadmap.actions.schemas import (
    ActionDetails,
    ActionProposal,
    ActionPublic,
    ActionSummary,
    Board,
    IndicatorFields,
    IndicatorValue,
    MilestoneFields,
    MilestoneReached,
    ProgressReport,
    Reason,
    Reassignment,
)
from sirbi_roadmap.working_groups import repository as working_groups
from sirbi_shared.calendar import today
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(tags=["actions"])

PROBLEMS = problem_docs(
    {
        400: "Cursor not issued by this API",
        401: "Not signed in",
        403: "Not allowed: not the group's coordinator or member, or not your country",
        404: "No such action, indicator or milestone",
        409: "Not allowed in the current status, or already done",
        412: "Stale If-Match",
        422: "Invalid request, or an unknown line or working group",
        428: "If-Match missing",
    }
)
CHANGE = (401, 403, 404, 409, 412, 422, 428)


def _answer(response: Response, action: Action) -> ActionPublic:
    set_etag(response, action.version)
    return ActionPublic.of(action, today())


@router.get(
    "/actions",
    operation_id="list_actions",
    summary="Actions in the order they were proposed, filtered, a page at a time",
    responses={400: PROBLEMS[400]},
)
async def list_actions(
    session: SessionDep,
    line: Annotated[uuid.UUID | None, Query(description="Strategic line id")] = None,
    group: Annotated[uuid.UUID | None, Query(description="Working group id")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Leads or takes part")] = None,
    status: Annotated[ActionStatus | None, Query()] = None,
    overdue: Annotated[bool, Query(description="Only open actions past their due date")] = False,
    agreement: Annotated[uuid.UUID | None, Query(description="Linked to this agreement")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[ActionPublic]:
    day = today()
    filters = repository.ActionFilter(
        line=line,
        group=group,
        country=country.upper() if country else None,
        status=status,
        overdue_on=day if overdue else None,
        agreement=agreement,
    )
    rows, next_cursor = await repository.page(session, filters, cursor, limit)
    return Page(items=[ActionPublic.of(a, day) for a in rows], next_cursor=next_cursor)


@router.get(
    "/working-groups/{group_id}/board",
    operation_id="working_group_board",
    summary="The group's actions in columns by status, overdue ones marked",
    responses={404: PROBLEMS[404]},
    tags=["working groups"],
)
async def working_group_board(group_id: uuid.UUID, session: SessionDep) -> Board:
    group = await working_groups.get(session, group_id)
    day = today()
    columns: dict[ActionStatus, list[ActionSummary]] = {status: [] for status in ActionStatus}
    for action in await repository.of_group(session, group.id):
        columns[action.status].append(ActionSummary.of(action, day))
    return Board(working_group_id=group.id, columns=columns)


@router.get(
    "/actions/{action_id}", operation_id="get_action", summary="One action", responses={404: PROBLEMS[404]}
)
async def get_action(action_id: uuid.UUID, session: SessionDep, response: Response) -> ActionPublic:
    return _answer(response, await repository.get(session, action_id))


@router.get(
    "/actions/{action_id}/history",
    operation_id="action_history",
    summary="Every version and notice, with who caused it",
    responses={404: PROBLEMS[404]},
)
async def action_history(action_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    action = await repository.get(session, action_id)
    return await read_history(session, "action", str(action.id))


@router.post(
    "/actions",
    status_code=201,
    operation_id="propose_action",
    summary="Propose an action (representatives for their country, coordinators for their group)",
    responses={k: PROBLEMS[k] for k in (401, 403, 422)},
)
async def propose_action(
    body: ActionProposal, session: SessionDep, principal: SignedIn, response: Response
) -> ActionPublic:
    action = await service.propose(session, body, principal)
    response.headers["Location"] = f"/actions/{action.id}"
    return _answer(response, action)


@router.put(
    "/actions/{action_id}",
    operation_id="update_action",
    summary="Replace an open action's details",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_action(
    action_id: uuid.UUID,
    body: ActionDetails,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(response, await service.update(session, action_id, body, expected, principal))


def _command(command: str, summary: str, *, with_reason: bool) -> None:
    responses: dict[int | str, dict[str, Any]] = {k: PROBLEMS[k] for k in CHANGE}
    if with_reason:

        async def with_reason_endpoint(
            action_id: uuid.UUID,
            body: Reason,
            session: SessionDep,
            principal: SignedIn,
            expected: IfMatch,
            response: Response,
        ) -> ActionPublic:
            action = await service.change_status(
                session, action_id, command, expected, principal, body.reason
            )
            return _answer(response, action)

        endpoint = with_reason_endpoint
    else:

        async def plain_endpoint(
            action_id: uuid.UUID,
            session: SessionDep,
            principal: SignedIn,
            expected: IfMatch,
            response: Response,
        ) -> ActionPublic:
            action = await service.change_status(session, action_id, command, expected, principal)
            return _answer(response, action)

        endpoint = plain_endpoint  # type: ignore[assignment]

    router.add_api_route(
        f"/actions/{{action_id}}/{command}",
        endpoint,
        methods=["POST"],
        operation_id=f"{command}_action",
        summary=summary,
        responses=responses,
        response_model=ActionPublic,
        tags=["actions"],
    )


_command("plan", "The working group takes it on (proposed → planned)", with_reason=False)
_command("start", "Work begins (planned → in progress)", with_reason=False)
_command("block", "Work cannot go on, with a reason", with_reason=True)
_command("unblock", "Back where it was before being blocked", with_reason=False)
_command("complete", "Done (in progress → done)", with_reason=False)
_command("cancel", "Drop an open action, with a reason", with_reason=True)


@router.post(
    "/actions/{action_id}/reassign",
    operation_id="reassign_action",
    summary="Hand it to another working group and/or lead country",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def reassign_action(
    action_id: uuid.UUID,
    body: Reassignment,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(response, await service.reassign(session, action_id, body, expected, principal))


@router.post(
    "/actions/{action_id}/progress",
    status_code=201,
    operation_id="report_progress",
    summary="Add an entry to the progress log (the group's members)",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def report_progress(
    action_id: uuid.UUID,
    body: ProgressReport,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(response, await service.report_progress(session, action_id, body, expected, principal))


@router.post(
    "/actions/{action_id}/indicators",
    status_code=201,
    operation_id="define_indicator",
    summary="Measure the action by a new indicator",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def define_indicator(
    action_id: uuid.UUID,
    body: IndicatorFields,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(response, await service.define_indicator(session, action_id, body, expected, principal))


@router.put(
    "/actions/{action_id}/indicators/{number}/current",
    operation_id="measure_indicator",
    summary="Record an indicator's current value (the group's members)",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def measure_indicator(
    action_id: uuid.UUID,
    number: int,
    body: IndicatorValue,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(
        response, await service.measure(session, action_id, number, body.current, expected, principal)
    )


@router.post(
    "/actions/{action_id}/milestones",
    status_code=201,
    operation_id="add_milestone",
    summary="Add a milestone",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def add_milestone(
    action_id: uuid.UUID,
    body: MilestoneFields,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    return _answer(response, await service.add_milestone(session, action_id, body, expected, principal))


@router.post(
    "/actions/{action_id}/milestones/{number}/reached",
    operation_id="reach_milestone",
    summary="Record that a milestone was reached",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def reach_milestone(
    action_id: uuid.UUID,
    number: int,
    body: MilestoneReached,
    session: SessionDep,
    principal: SignedIn,
    expected: IfMatch,
    response: Response,
) -> ActionPublic:
    action = await service.reach_milestone(session, action_id, number, body.reached_on, expected, principal)
    return _answer(response, action)
