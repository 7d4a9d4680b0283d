"""Reading working groups."""

from __future__ import annotations

import uuid

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.working_groups.models import WorkingGroup
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, group_id: uuid.UUID, *, for_update: bool = False) -> WorkingGroup:
    statement = select(WorkingGroup).where(WorkingGroup.id == group_id)
    if for_update:
        statement = statement.with_for_update(of=WorkingGroup)
    group = (await session.execute(statement)).scalar_one_or_none()
    if group is None:
        raise ProblemError(
            404, "working_group_not_found", f"No working group {group_id}.", working_group_id=str(group_id)
        )
    return group


async def name_taken(session: AsyncSession, name: str, *, other_than: uuid.UUID | None = None) -> bool:
    statement = select(WorkingGroup.id).where(func.lower(WorkingGroup.name) == name.lower())
    if other_than is not None:
        statement = statement.where(WorkingGroup.id != other_than)
    return (await session.execute(statement)).first() is not None


async def list_all(session: AsyncSession) -> list[WorkingGroup]:
    return list((await session.execute(select(WorkingGroup).order_by(WorkingGroup.name))).scalars())


async def looking_after(session: AsyncSession, areas: list[str]) -> uuid.UUID | None:
    """The id of the group that looks after the first of these areas any group covers (groups by
    name). Only the groups covering one of them are read, without their countries and people:
    this runs for every agreement entering into force, and loading every group whole was most of
    the roadmap's cost per event (bench/gateway.py's profile)."""
    if not areas:
        return None
    # PostgreSQL's ARRAY has `&&` (the model's generic one does not), of the column's own type.
    group_areas = type_coerce(WorkingGroup.areas, ARRAY(String(60)))
    statement = (
        select(WorkingGroup.id, WorkingGroup.areas)
        .where(group_areas.overlap(list(areas)))
        .order_by(WorkingGroup.name)
    )
    groups = (await session.execute(statement)).all()
    for area in areas:
        for group_id, covered in groups:
            if area in covered:
                return group_id
    return None
