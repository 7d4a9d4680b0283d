"""HTTP API of national networks: reads for everyone; changes for the secretariat and for the
representatives of the network's country."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from sirbi_members.access import Editor
from sirbi_members.networks import repository, service
from sirbi_members.networks.models import NetworkKind, NetworkStatus
from sirbi_members.networks.schemas import NetworkChanges, NetworkCreate, NetworkPublic
from sirbi_shared.db import OneWriteSessionDep, SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/networks", tags=["national networks"])

PROBLEMS = problem_docs(
    {
        400: "A cursor this API did not issue",
        401: "Not signed in",
        403: "Neither the secretariat nor a representative of the network's country",
        404: "No such network",
        409: "The country already has a network of that name",
        412: "Stale If-Match",
        422: "Invalid fields, or a country that is not a member state (`unknown_member_state`)",
        428: "If-Match missing",
    }
)


@router.get(
    "", operation_id="list_networks", summary="List national networks", responses={400: PROBLEMS[400]}
)
async def list_networks(
    session: SessionDep,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Only this member state")
    ] = None,
    kind: Annotated[NetworkKind | None, Query(description="Only this kind")] = None,
    status: Annotated[NetworkStatus | None, Query(description="Only this status")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Networks per page")] = 50,
) -> Page[NetworkPublic]:
    networks, next_cursor = await repository.list_page(
        session, country=country, kind=kind, status=status, cursor=cursor, limit=limit
    )
    return Page[NetworkPublic](items=[NetworkPublic.of(n) for n in networks], next_cursor=next_cursor)


@router.get(
    "/{network_id}",
    operation_id="get_network",
    summary="One national network",
    responses={404: PROBLEMS[404]},
)
async def get_network(network_id: uuid.UUID, session: SessionDep, response: Response) -> NetworkPublic:
    network = await repository.get(session, network_id)
    set_etag(response, network.version)
    return NetworkPublic.of(network)


@router.get(
    "/{network_id}/history",
    operation_id="network_history",
    summary="Every change, with who made it",
    responses={404: PROBLEMS[404]},
)
async def network_history(network_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    network = await repository.get(session, network_id)
    return await read_history(session, "network", str(network.id))


@router.post(
    "",
    status_code=201,
    operation_id="register_network",
    summary="Register a national network",
    responses={k: PROBLEMS[k] for k in (401, 403, 409, 422)},
)
async def register_network(
    body: NetworkCreate, session: OneWriteSessionDep, principal: Editor, response: Response
) -> NetworkPublic:
    network = await service.register(session, body, principal)
    set_etag(response, network.version)
    response.headers["Location"] = f"/networks/{network.id}"
    return network


@router.patch(
    "/{network_id}",
    operation_id="update_network",
    summary="Change some of a network's fields",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409, 412, 422, 428)},
)
async def update_network(
    network_id: uuid.UUID,
    body: NetworkChanges,
    session: OneWriteSessionDep,
    principal: Editor,
    expected: IfMatch,
    response: Response,
) -> NetworkPublic:
    network = await service.revise(session, network_id, body, expected, principal)
    set_etag(response, network.version)
    return network
