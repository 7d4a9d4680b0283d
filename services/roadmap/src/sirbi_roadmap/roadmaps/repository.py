"""Reading roadmaps and lines."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.roadmaps.models import Roadmap, StrategicLine
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, roadmap_id: uuid.UUID, *, for_update: bool = False) -> Roadmap:
    statement = select(Roadmap).where(Roadmap.id == roadmap_id)
    if for_update:
        statement = statement.with_for_update()
    roadmap = (await session.execute(statement)).scalar_one_or_none()
    if roadmap is None:
        raise ProblemError(404, "roadmap_not_found", f"No roadmap {roadmap_id}.", roadmap_id=str(roadmap_id))
    return roadmap


async def by_code(session: AsyncSession, code: str) -> Roadmap | None:
    return (await session.execute(select(Roadmap).where(Roadmap.code == code))).scalar_one_or_none()


async def list_all(session: AsyncSession) -> list[Roadmap]:
    return list((await session.execute(select(Roadmap).order_by(Roadmap.starts_on.desc()))).scalars())


async def get_line(session: AsyncSession, line_id: uuid.UUID, *, for_update: bool = False) -> StrategicLine:
    statement = select(StrategicLine).where(StrategicLine.id == line_id)
    if for_update:
        statement = statement.with_for_update()
    line = (await session.execute(statement)).scalar_one_or_none()
    if line is None:
        raise ProblemError(404, "line_not_found", f"No strategic line {line_id}.", line_id=str(line_id))
    return line


async def line_code_taken(
    session: AsyncSession, roadmap_id: uuid.UUID, code: str, *, other_than: uuid.UUID | None = None
) -> bool:
    statement = select(StrategicLine.id).where(
        StrategicLine.roadmap_id == roadmap_id, StrategicLine.code == code
    )
    if other_than is not None:
        statement = statement.where(StrategicLine.id != other_than)
    return (await session.execute(statement)).first() is not None
