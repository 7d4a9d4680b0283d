"""Keeping each record's latest state, and counting over them.

Events carry their record's whole state with its `version`; storing only the newest version per
record makes the figures right whatever the delivery order or how often an event comes again,
and a count over the replica is cheap at the platform's size (thousands of rows, not millions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.dashboard.models import RecordReplica
from sirbi_shared.db import table_of


@dataclass(frozen=True)
class RecordState:
    aggregate: str
    record_id: str
    version: int
    status: str | None
    kind: str | None
    country: str | None


_INSERT = insert(table_of(RecordReplica))
# Built once. A state older than (or as old as) the replica's is ignored, so delivery order and
# repeats do not matter.
_KEEP = _INSERT.on_conflict_do_update(
    index_elements=[RecordReplica.aggregate, RecordReplica.record_id],
    set_={
        "version": _INSERT.excluded.version,
        "status": _INSERT.excluded.status,
        "kind": _INSERT.excluded.kind,
        "country": _INSERT.excluded.country,
        "updated_at": func.now(),
    },
    where=RecordReplica.version < _INSERT.excluded.version,
)


async def keep_all(session: AsyncSession, states: Sequence[RecordState]) -> None:
    """Store each state unless the replica already holds its version or a newer one. Sent in
    one round trip, applied one row after the other (a record may come twice in one batch)."""
    if states:
        await session.execute(_KEEP, [asdict(state) for state in states])


@dataclass
class Counts:
    by_status: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    libraries_by_type: dict[str, int] = field(default_factory=dict)
    libraries_by_country: dict[str, int] = field(default_factory=dict)


NO_VALUE = "unknown"
# Closed libraries stay in the replica (a later reopening is a newer version) but are not counted
# by type or country: the directory figures are about libraries that serve or will.
_SERVING = (RecordReplica.aggregate == "library", RecordReplica.status != "closed")


async def count(session: AsyncSession) -> Counts:
    """Records per aggregate and status; libraries also per type and per country."""
    counts = Counts()
    by_status = select(RecordReplica.aggregate, RecordReplica.status, func.count()).group_by(
        RecordReplica.aggregate, RecordReplica.status
    )
    for aggregate, status, n in await session.execute(by_status):
        counts.by_status[aggregate][status or NO_VALUE] = n
    for column, target in (
        (RecordReplica.kind, counts.libraries_by_type),
        (RecordReplica.country, counts.libraries_by_country),
    ):
        for key, n in await session.execute(select(column, func.count()).where(*_SERVING).group_by(column)):
            target[key or NO_VALUE] = n
    return counts


async def libraries_of(session: AsyncSession, country: str) -> tuple[dict[str, int], dict[str, int]]:
    """One country's libraries per status and, leaving out closed ones, per type."""
    mine = RecordReplica.country == country
    by_status = (
        select(RecordReplica.status, func.count())
        .where(RecordReplica.aggregate == "library", mine)
        .group_by(RecordReplica.status)
    )
    by_type = select(RecordReplica.kind, func.count()).where(*_SERVING, mine).group_by(RecordReplica.kind)
    statuses = {status or NO_VALUE: n for status, n in await session.execute(by_status)}
    types = {kind or NO_VALUE: n for kind, n in await session.execute(by_type)}
    return statuses, types
