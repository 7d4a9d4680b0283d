"""National networks in the database."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Update, bindparam, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.listing import decode_after, next_cursor
from sirbi_members.networks.models import Network, NetworkKind, NetworkStatus
from sirbi_members.networks.schemas import NetworkPublic
from sirbi_shared.db import table_of
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.outbox import ChangedRow

_networks = table_of(Network)


async def get(session: AsyncSession, network_id: uuid.UUID) -> Network:
    network = (await session.execute(select(Network).where(Network.id == network_id))).scalar_one_or_none()
    if network is None:
        raise not_found(network_id)
    return network


_CURRENT = select(*_networks.c).where(_networks.c.id == bindparam("network_id"))


async def current(session: AsyncSession, network_id: uuid.UUID) -> NetworkPublic:
    """The network as it is now, read as plain columns: a change needs its values, not an ORM
    object to track (loading one cost more than the query)."""
    row = (await session.execute(_CURRENT, {"network_id": network_id})).one_or_none()
    if row is None:
        raise not_found(network_id)
    return NetworkPublic.model_validate(row, from_attributes=True)


def not_found(network_id: uuid.UUID) -> ProblemError:
    return ProblemError(404, "network_not_found", f"No network {network_id}.", network=str(network_id))


def change(network_id: uuid.UUID, expected: int, fields: Mapping[str, object], now: datetime) -> ChangedRow:
    """The change of `fields` of a network at version `expected`, bumping its version, as a
    statement the outbox sends with the change's event: it applies only if the network is still
    at that version, so the event, computed from the network as read, is the network as written."""
    parameters: dict[str, object] = {"network_id": network_id, "expected": expected, "now": now}
    parameters.update((_FIELD_PARAMETER.format(name), value) for name, value in fields.items())
    return ChangedRow(_change(tuple(sorted(fields))), parameters)


# Field parameters are prefixed: `version` and `updated_at` are set by the statement itself.
_FIELD_PARAMETER = "field_{}"


@functools.cache
def _change(fields: tuple[str, ...]) -> Update:
    """The conditional update of these fields, built once per set of fields (building it per
    call cost more than sending it)."""
    values: dict[str, object] = {
        name: bindparam(_FIELD_PARAMETER.format(name), type_=_networks.c[name].type) for name in fields
    }
    values.update(
        version=_networks.c.version + 1, updated_at=bindparam("now", type_=_networks.c.updated_at.type)
    )
    return (
        update(_networks)
        .where(_networks.c.id == bindparam("network_id"), _networks.c.version == bindparam("expected"))
        .values(values)
        .returning(_networks.c.id)
    )


async def version_of(session: AsyncSession, network_id: uuid.UUID) -> int | None:
    """The network's version as it is now, or None when there is no such network."""
    return (
        await session.execute(select(Network.version).where(Network.id == network_id))
    ).scalar_one_or_none()


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
