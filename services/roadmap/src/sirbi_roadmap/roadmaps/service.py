"""Roadmap and strategic-line use cases (the secretariat's)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.roadmaps import repository
from sirbi_roadmap.roadmaps.events import LineCreated, LineUpdated, RoadmapCreated, RoadmapUpdated
from sirbi_roadmap.roadmaps.models import Roadmap, StrategicLine
from sirbi_roadmap.roadmaps.schemas import LineFields, LinePublic, RoadmapFields, RoadmapPublic
from sirbi_roadmap.streams import outbox
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def _roadmap_published(
    session: AsyncSession,
    roadmap: Roadmap,
    event: type[RoadmapCreated | RoadmapUpdated],
    action: str,
    actor: str,
) -> Roadmap:
    await session.flush()
    await session.refresh(roadmap, ["lines"])
    public = RoadmapPublic.of(roadmap)
    await publish_change(
        session,
        outbox,
        event(roadmap=public),
        aggregate_type="roadmap",
        aggregate_id=str(roadmap.id),
        version=roadmap.version,
        action=action,
        actor=actor,
        state=public,
    )
    return roadmap


async def _line_published(
    session: AsyncSession,
    line: StrategicLine,
    event: type[LineCreated | LineUpdated],
    action: str,
    actor: str,
) -> StrategicLine:
    await session.flush()
    public = LinePublic.of(line)
    await publish_change(
        session,
        outbox,
        event(line=public),
        aggregate_type="line",
        aggregate_id=str(line.id),
        version=line.version,
        action=action,
        actor=actor,
        state=public,
    )
    return line


async def create(session: AsyncSession, fields: RoadmapFields, actor: str) -> Roadmap:
    if await repository.by_code(session, fields.code) is not None:
        raise ProblemError(409, "roadmap_exists", f"A roadmap {fields.code} already exists.")
    now = datetime.now(UTC)
    roadmap = Roadmap(id=uuid.uuid4(), version=1, created_at=now, updated_at=now, **fields.model_dump())
    session.add(roadmap)
    return await _roadmap_published(session, roadmap, RoadmapCreated, "created", actor)


async def update(
    session: AsyncSession, roadmap_id: uuid.UUID, fields: RoadmapFields, expected: int, actor: str
) -> Roadmap:
    roadmap = await repository.get(session, roadmap_id, for_update=True)
    check_version(roadmap.version, expected)
    other = await repository.by_code(session, fields.code)
    if other is not None and other.id != roadmap.id:
        raise ProblemError(409, "roadmap_exists", f"A roadmap {fields.code} already exists.")
    for name, value in fields.model_dump().items():
        setattr(roadmap, name, value)
    roadmap.version += 1
    roadmap.updated_at = datetime.now(UTC)
    return await _roadmap_published(session, roadmap, RoadmapUpdated, "updated", actor)


async def add_line(
    session: AsyncSession, roadmap_id: uuid.UUID, fields: LineFields, actor: str
) -> StrategicLine:
    roadmap = await repository.get(session, roadmap_id)
    if await repository.line_code_taken(session, roadmap.id, fields.code):
        raise ProblemError(409, "line_exists", f"Roadmap {roadmap.code} already has a line {fields.code}.")
    now = datetime.now(UTC)
    line = StrategicLine(
        id=uuid.uuid4(),
        roadmap_id=roadmap.id,
        version=1,
        created_at=now,
        updated_at=now,
        **fields.model_dump(),
    )
    session.add(line)
    return await _line_published(session, line, LineCreated, "created", actor)


async def update_line(
    session: AsyncSession, line_id: uuid.UUID, fields: LineFields, expected: int, actor: str
) -> StrategicLine:
    line = await repository.get_line(session, line_id, for_update=True)
    check_version(line.version, expected)
    if await repository.line_code_taken(session, line.roadmap_id, fields.code, other_than=line.id):
        raise ProblemError(409, "line_exists", f"The roadmap already has a line {fields.code}.")
    for name, value in fields.model_dump().items():
        setattr(line, name, value)
    line.version += 1
    line.updated_at = datetime.now(UTC)
    return await _line_published(session, line, LineUpdated, "updated", actor)
