"""Representatives in the database."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.listing import decode_after, next_cursor
from sirbi_members.representatives.models import Representative, RepresentativeRole
from sirbi_shared.http.problems import ProblemError


async def get(
    session: AsyncSession, representative_id: uuid.UUID, *, for_update: bool = False
) -> Representative:
    statement = select(Representative).where(Representative.id == representative_id)
    if for_update:
        statement = statement.with_for_update()  # the version check and the change are atomic
    representative = (await session.execute(statement)).scalar_one_or_none()
    if representative is None:
        raise ProblemError(
            404,
            "representative_not_found",
            f"No representative {representative_id}.",
            representative=str(representative_id),
        )
    return representative


async def list_page(
    session: AsyncSession,
    *,
    country: str | None,
    role: RepresentativeRole | None,
    active: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Representative], str | None]:
    """One page ordered by country, name and id, and the cursor of the next (None at the end)."""
    order = (Representative.country, Representative.name, Representative.id)
    statement = select(Representative).order_by(*order).limit(limit + 1)  # one more: is there a next page
    if country is not None:
        statement = statement.where(Representative.country == country.upper())
    if role is not None:
        statement = statement.where(Representative.role == role)
    if active is not None:
        ended = Representative.ended_on.is_not(None)
        statement = statement.where(~ended if active else ended)
    after = decode_after(cursor)
    if after is not None:
        statement = statement.where(tuple_(*order) > tuple_(*after))
    representatives = list((await session.execute(statement)).scalars().all())
    if len(representatives) <= limit:
        return representatives, None
    page = representatives[:limit]
    last = page[-1]
    return page, next_cursor(last.country, last.name, last.id)
