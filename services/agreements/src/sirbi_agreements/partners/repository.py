"""Reading and writing partners."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.partners.models import Partner
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, partner_id: uuid.UUID, *, for_update: bool = False) -> Partner:
    statement = select(Partner).where(Partner.id == partner_id)
    if for_update:
        statement = statement.with_for_update()
    partner = (await session.execute(statement)).scalar_one_or_none()
    if partner is None:
        raise ProblemError(404, "partner_not_found", f"No partner {partner_id}.", partner_id=str(partner_id))
    return partner


async def name_taken(session: AsyncSession, name: str, *, other_than: uuid.UUID | None = None) -> bool:
    statement = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if other_than is not None:
        statement = statement.where(Partner.id != other_than)
    return (await session.execute(statement)).first() is not None


async def list_all(session: AsyncSession) -> list[Partner]:
    return list((await session.execute(select(Partner).order_by(Partner.name))).scalars())


async def by_ids(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Partner]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Partner).where(Partner.id.in_(wanted)))
    return {partner.id: partner for partner in rows.scalars()}
