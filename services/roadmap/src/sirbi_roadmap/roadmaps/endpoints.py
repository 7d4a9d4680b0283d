"""HTTP API of roadmaps and strategic lines: reads for everyone, changes for the secretariat."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from sirbi_roadmap.access import Secretariat
from sirbi_roadmap.roadmaps import repository, service
from sirbi_roadmap.roadmaps.schemas import LineFields, LinePublic, RoadmapFields, RoadmapPublic
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.problems import problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(tags=["roadmaps"])

PROBLEMS = problem_docs(
    {
        401: "Not signed in",
        403: "Not the secretariat",
        404: "No such roadmap or line",
        409: "Code already used",
        412: "Stale If-Match",
        428: "If-Match missing",
    }
)
CHANGE = (401, 403, 404, 409, 412, 428)


@router.get("/roadmaps", operation_id="list_roadmaps", summary="Roadmaps, newest first, with their lines")
async def list_roadmaps(session: SessionDep) -> list[RoadmapPublic]:
    return [RoadmapPublic.of(r) for r in await repository.list_all(session)]


@router.get(
    "/roadmaps/{roadmap_id}",
    operation_id="get_roadmap",
    summary="One roadmap",
    responses={404: PROBLEMS[404]},
)
async def get_roadmap(roadmap_id: uuid.UUID, session: SessionDep, response: Response) -> RoadmapPublic:
    roadmap = await repository.get(session, roadmap_id)
    set_etag(response, roadmap.version)
    return RoadmapPublic.of(roadmap)


@router.get(
    "/roadmaps/{roadmap_id}/history",
    operation_id="roadmap_history",
    summary="Every change, with who made it",
    responses={404: PROBLEMS[404]},
)
async def roadmap_history(roadmap_id: uuid.UUID, session: SessionDep) -> list[HistoryEntry]:
    roadmap = await repository.get(session, roadmap_id)
    return await read_history(session, "roadmap", str(roadmap.id))


@router.post(
    "/roadmaps",
    status_code=201,
    operation_id="create_roadmap",
    summary="Adopt a regional roadmap",
    responses={k: PROBLEMS[k] for k in (401, 403, 409)},
)
async def create_roadmap(
    body: RoadmapFields, session: SessionDep, principal: Secretariat, response: Response
) -> RoadmapPublic:
    roadmap = await service.create(session, body, principal.subject)
    set_etag(response, roadmap.version)
    response.headers["Location"] = f"/roadmaps/{roadmap.id}"
    return RoadmapPublic.of(roadmap)


@router.put(
    "/roadmaps/{roadmap_id}",
    operation_id="update_roadmap",
    summary="Replace a roadmap's description",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_roadmap(
    roadmap_id: uuid.UUID,
    body: RoadmapFields,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> RoadmapPublic:
    roadmap = await service.update(session, roadmap_id, body, expected, principal.subject)
    set_etag(response, roadmap.version)
    return RoadmapPublic.of(roadmap)


@router.post(
    "/roadmaps/{roadmap_id}/lines",
    status_code=201,
    operation_id="add_strategic_line",
    summary="Add a strategic line",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409)},
)
async def add_strategic_line(
    roadmap_id: uuid.UUID, body: LineFields, session: SessionDep, principal: Secretariat, response: Response
) -> LinePublic:
    line = await service.add_line(session, roadmap_id, body, principal.subject)
    set_etag(response, line.version)
    response.headers["Location"] = f"/lines/{line.id}"
    return LinePublic.of(line)


@router.get(
    "/lines/{line_id}",
    operation_id="get_strategic_line",
    summary="One strategic line",
    responses={404: PROBLEMS[404]},
)
async def get_strategic_line(line_id: uuid.UUID, session: SessionDep, response: Response) -> LinePublic:
    line = await repository.get_line(session, line_id)
    set_etag(response, line.version)
    return LinePublic.of(line)


@router.put(
    "/lines/{line_id}",
    operation_id="update_strategic_line",
    summary="Replace a strategic line's description",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_strategic_line(
    line_id: uuid.UUID,
    body: LineFields,
    session: SessionDep,
    principal: Secretariat,
    expected: IfMatch,
    response: Response,
) -> LinePublic:
    line = await service.update_line(session, line_id, body, expected, principal.subject)
    set_etag(response, line.version)
    return LinePublic.of(line)
