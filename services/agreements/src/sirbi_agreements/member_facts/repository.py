"""Reading and keeping the member replica."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.member_facts.models import KnownMemberState, KnownNetwork


async def keep_member_state(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Store a member state's facts unless a newer version is already kept; True if stored."""
    return await _keep_newest(session, KnownMemberState, "code", values)


async def keep_network(session: AsyncSession, values: dict[str, Any]) -> bool:
    return await _keep_newest(session, KnownNetwork, "id", values)


async def _keep_newest(session: AsyncSession, model: Any, key: str, values: dict[str, Any]) -> bool:
    table = model.__table__
    upsert = insert(table).values(**values)
    statement = upsert.on_conflict_do_update(
        index_elements=[key],
        set_={name: upsert.excluded[name] for name in values if name != key},
        where=table.c.version < upsert.excluded.version,
    ).returning(table.c[key])
    return (await session.execute(statement)).first() is not None


async def member_states(session: AsyncSession, codes: Iterable[str]) -> dict[str, KnownMemberState]:
    wanted = list(set(codes))
    if not wanted:
        return {}
    rows = await session.execute(select(KnownMemberState).where(KnownMemberState.code.in_(wanted)))
    return {state.code: state for state in rows.scalars()}


async def networks(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, KnownNetwork]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(select(KnownNetwork).where(KnownNetwork.id.in_(wanted)))
    return {network.id: network for network in rows.scalars()}
