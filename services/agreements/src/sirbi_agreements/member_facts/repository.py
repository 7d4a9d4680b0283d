"""Reading and keeping the member replica."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Insert, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from sirbi_agreements.member_facts.models import KnownMemberState, KnownNetwork
from sirbi_shared.db import table_of


async def keep_member_state(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Store a member state's facts unless a newer version is already kept; True if stored."""
    return await _keep_newest(session, KnownMemberState, "code", values)


async def keep_networks(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Store each network's facts unless a newer version is kept: sent in one round trip,
    applied row after row (one network may come twice)."""
    if rows:
        statement = _upsert_newest(table_of(KnownNetwork), "id", tuple(rows[0]), returning=False)
        await session.execute(statement, list(rows))


async def _keep_newest(
    session: AsyncSession, model: type[DeclarativeBase], key: str, values: dict[str, Any]
) -> bool:
    statement = _upsert_newest(table_of(model), key, tuple(values), returning=True)
    return (await session.execute(statement, values)).first() is not None


@functools.cache
def _upsert_newest(table: Table, key: str, columns: tuple[str, ...], *, returning: bool) -> Insert:
    """Built once per shape: a statement made per event (values inlined) cost more to build and
    to look up in SQLAlchemy's cache than to run. `returning`: the key of a row stored."""
    upsert = insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in columns})
    statement = upsert.on_conflict_do_update(
        index_elements=[key],
        set_={name: upsert.excluded[name] for name in columns if name != key},
        where=table.c.version < upsert.excluded.version,
    )
    return statement.returning(table.c[key]) if returning else statement


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
