"""Reading working groups."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
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


async def looking_after(session: AsyncSession, areas: list[str]) -> WorkingGroup | None:
    """The group that looks after the first of these areas any group covers (groups by name)."""
    groups = await list_all(session)
    for area in areas:
        for group in groups:
            if area in group.areas:
                return group
    return None
