"""HTTP API of member states: reads for everyone, changes for the secretariat."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from sirbi_members.access import Secretariat
from sirbi_members.member_states import repository, service
from sirbi_members.member_states.models import MemberStatus
from sirbi_members.member_states.schemas import (
    MemberStateCreate,
    MemberStatePublic,
    MemberStateRename,
    Reason,
)
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/member-states", tags=["member states"])

PROBLEMS = problem_docs(
    {
        401: "Not signed in",
        403: "Not the secretariat",
        404: "No such member state",
        409: "Not allowed from the current status",
        412: "Stale If-Match",
        428: "If-Match missing",
    }
)


@router.get("", operation_id="list_member_states", summary="List member states")
async def list_member_states(
    session: SessionDep, status: Annotated[MemberStatus | None, Query(description="Only this status")] = None
) -> list[MemberStatePublic]:
    return [MemberStatePublic.of(s) for s in await repository.list_all(session, status)]


@router.get(
    "/{code}", operation_id="get_member_state", summary="One member state", responses={404: PROBLEMS[404]}
)
async def get_member_state(code: str, session: SessionDep, response: Response) -> MemberStatePublic:
    state = await repository.get(session, code)
    set_etag(response, state.version)
    return MemberStatePublic.of(state)


@router.get(
    "/{code}/history",
    operation_id="member_state_history",
    summary="Every change, with who made it",
    responses={404: PROBLEMS[404]},
)
async def member_state_history(code: str, session: SessionDep) -> list[HistoryEntry]:
    state = await repository.get(session, code)
    return await read_history(session, "member_state", state.code)


@router.post(
    "",
    status_code=201,
    operation_id="register_member_state",
    summary="Register a candidate member state",
    responses={k: PROBLEMS[k] for k in (401, 403, 409)},
)
async def register_member_state(
    body: MemberStateCreate, session: SessionDep, principal: Secretariat, response: Response
) -> MemberStatePublic:
    state = await service.register(session, body.code, body.names, principal.subject)
    set_etag(response, state.version)
    response.headers["Location"] = f"/member-states/{state.code}"
    return MemberStatePublic.of(state)


@router.patch(
    "/{code}",
    operation_id="rename_member_state",
    summary="Change a member state's names",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 412, 428)},
)
async def rename_member_state(
    code: str,
    body: MemberStateRename,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> MemberStatePublic:
    state = await service.rename(session, code, body.names, expected, principal.subject)
    set_etag(response, state.version)
    return MemberStatePublic.of(state)


def _command(command: str, summary: str, with_reason: bool) -> None:
    responses: dict[int | str, dict[str, Any]] = {k: PROBLEMS[k] for k in (401, 403, 404, 409, 412, 428)}

    if with_reason:

        async def with_reason_endpoint(
            code: str,
            body: Reason,
            session: SessionDep,
            principal: Secretariat,
            expected: IfMatch,
            response: Response,
        ) -> MemberStatePublic:
            state = await service.change_status(
                session, code, command, expected, principal.subject, body.reason
            )
            set_etag(response, state.version)
            return MemberStatePublic.of(state)

        endpoint = with_reason_endpoint
    else:

        async def plain_endpoint(
            code: str, session: SessionDep, principal: Secretariat, expected: IfMatch, response: Response
        ) -> MemberStatePublic:
            state = await service.change_status(session, code, command, expected, principal.subject)
            set_etag(response, state.version)
            return MemberStatePublic.of(state)

        endpoint = plain_endpoint  # type: ignore[assignment]

    router.add_api_route(
        f"/{{code}}/{command}",
        endpoint,
        methods=["POST"],
        operation_id=f"{command}_member_state",
        summary=summary,
        responses=responses,
        response_model=MemberStatePublic,
    )


_command("admit", "Admit a candidate (candidate → active)", with_reason=False)
_command("suspend", "Suspend an active member, with a reason", with_reason=True)
_command("reinstate", "Reinstate a suspended member", with_reason=False)
_command("withdraw", "Record that a member left the network, with a reason", with_reason=True)
