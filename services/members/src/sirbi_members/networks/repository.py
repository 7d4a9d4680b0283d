"""National networks in the database."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.listing import decode_after, next_cursor
from sirbi_members.networks.models import Network, NetworkKind, NetworkStatus
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, network_id: uuid.UUID, *, for_update: bool = False) -> Network:
    statement = select(Network).where(Network.id == network_id)
    if for_update:
        statement = statement.with_for_update()  # the version check and the change are atomic
    network = (await session.execute(statement)).scalar_one_or_none()
    if network is None:
        raise ProblemError(404, "network_not_found", f"No network {network_id}.", network=str(network_id))
    return network


async def country_of(session: AsyncSession, network_id: uuid.UUID) -> str | None:
    """The country of a network, or None when there is no such network."""
    return (
        await session.execute(select(Network.country).where(Network.id == network_id))
    ).scalar_one_or_none()


async def find(session: AsyncSession, country: str, official_name: str) -> Network | None:
    statement = select(Network).where(Network.country == country, Network.official_name == official_name)
    return (await session.execute(statement)).scalar_one_or_none()


async def list_page(
    session: AsyncSession,
    *,
    country: str | None,
    kind: NetworkKind | None,
    status: NetworkStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Network], str | None]:
    """One page ordered by country, official name and id, and the cursor of the next (None at the end)."""
    order = (Network.country, Network.official_name, Network.id)
    statement = select(Network).order_by(*order).limit(limit + 1)  # one more tells if a next page exists
    if country is not None:
        statement = statement.where(Network.country == country.upper())
    if kind is not None:
        statement = statement.where(Network.kind == kind)
    if status is not None:
        statement = statement.where(Network.status == status)
    after = decode_after(cursor)
    if after is not None:
        statement = statement.where(tuple_(*order) > tuple_(*after))
    networks = list((await session.execute(statement)).scalars().all())
    if len(networks) <= limit:
        return networks, None
    page = networks[:limit]
    last = page[-1]
    return page, next_cursor(last.country, last.official_name, last.id)
