"""What a running platform's replicas hold, compared row by row with their sources, read straight
from each service's database (the services' APIs do not expose their replicas).

- every outbox row of members, agreements and roadmap is published;
- the gateway's activity feed holds each of those events exactly once, and nothing else;
- the agreements service's view of members (member states, networks) equals the members
  service's tables;
- the gateway's record replicas (member states, networks, libraries, agreements, actions) hold
  each record's current version and status;
- the roadmap service proposed exactly one implementation action per agreement in force.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text

from sirbi_shared.db import Database
from tests.support.infra import Infrastructure
from tests.support.whole_platform import RunningPlatform

TRAFFIC_AGREEMENTS = "F-%"  # the codes of the agreements `platform_traffic` makes
PUBLISHING = ("members", "agreements", "roadmap")  # the services whose topics the gateway files

# (aggregate in the gateway's replica, service, query of its current records)
_SOURCES = (
    ("memberstate", "members", "SELECT code AS id, version, status::text FROM member_states"),
    ("network", "members", "SELECT id::text, version, status::text FROM networks"),
    ("library", "members", "SELECT id::text, version, status::text FROM libraries"),
    ("agreement", "agreements", "SELECT id::text, version, status::text FROM agreements"),
    ("action", "roadmap", "SELECT id::text, version, status::text FROM actions"),
)


class PlatformDatabases:
    def __init__(self, infra: Infrastructure, platform: RunningPlatform) -> None:
        self.databases = {
            name: Database(infra.postgres_url(database)) for name, database in platform.databases.items()
        }

    async def rows(self, service: str, sql: str) -> list[tuple[Any, ...]]:
        async with self.databases[service].transaction() as session:
            return [tuple(row) for row in await session.execute(text(sql))]

    async def dispose(self) -> None:
        for database in self.databases.values():
            await database.dispose()


@asynccontextmanager
async def platform_databases(
    infra: Infrastructure, platform: RunningPlatform
) -> AsyncIterator[PlatformDatabases]:
    databases = PlatformDatabases(infra, platform)
    try:
        yield databases
    finally:
        await databases.dispose()


def _differ(what: str, source: set[Any], replica: set[Any]) -> list[str]:
    if source == replica:
        return []
    missing, extra = sorted(source - replica, key=str), sorted(replica - source, key=str)
    return [f"{what}: {len(missing)} missing {missing[:3]}, {len(extra)} not in the source {extra[:3]}"]


async def differences(db: PlatformDatabases) -> list[str]:
    """Every way the replicas differ from their sources; empty when the platform has converged."""
    found: list[str] = []
    events: list[str] = []
    for service in PUBLISHING:
        unpublished = await db.rows(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
        if unpublished[0][0]:
            found.append(f"{service}: {unpublished[0][0]} outbox rows not published")
        events += [row[0] for row in await db.rows(service, "SELECT event_id FROM outbox")]
    feed = [row[0] for row in await db.rows("gateway", "SELECT event_id FROM activity")]
    found += [f"the feed has event {event} {n} times" for event, n in Counter(feed).items() if n > 1]
    found += _differ("the feed", set(events), set(feed))

    member_states = set(
        await db.rows(
            "members", "SELECT code, name_es, name_pt, name_en, status::text, version FROM member_states"
        )
    )
    known = set(
        await db.rows(
            "agreements", "SELECT code, name_es, name_pt, name_en, status, version FROM known_member_states"
        )
    )
    found += _differ("agreements' member states", member_states, known)
    networks = set(
        await db.rows(
            "members", "SELECT id::text, country, official_name, status::text, version FROM networks"
        )
    )
    known = set(
        await db.rows(
            "agreements", "SELECT id::text, country, official_name, status, version FROM known_networks"
        )
    )
    found += _differ("agreements' networks", networks, known)

    for aggregate, service, sql in _SOURCES:
        source = set(await db.rows(service, sql))
        replica = set(
            await db.rows(
                "gateway",
                f"SELECT record_id, version, status FROM record_replicas WHERE aggregate = '{aggregate}'",
            )
        )
        found += _differ(f"the gateway's {aggregate} replicas", source, replica)

    # The agreements the traffic made (the demo data links actions to agreements by hand).
    agreements = dict(
        await db.rows(
            "agreements",
            f"SELECT id::text, status::text FROM agreements WHERE code LIKE '{TRAFFIC_AGREEMENTS}'",
        )
    )
    in_force = {a for a, status in agreements.items() if status == "in_force"}
    implementing = [
        row[0]
        for row in await db.rows(
            "roadmap", "SELECT agreement_id::text FROM actions WHERE agreement_id IS NOT NULL"
        )
        if row[0] in agreements
    ]
    found += [
        f"agreement {a} has {n} implementation actions" for a, n in Counter(implementing).items() if n > 1
    ]
    found += _differ("implementation actions", in_force, set(implementing))
    return found


async def event_count(db: PlatformDatabases) -> int:
    total = 0
    for service in PUBLISHING:
        total += (await db.rows(service, "SELECT count(*) FROM outbox"))[0][0]
    return total


async def wait_until_converged(db: PlatformDatabases, *, timeout: float, what: str) -> None:
    """Until `differences` finds none; on timeout, fail naming the ones left."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while found := await differences(db):
        if loop.time() > deadline:
            raise AssertionError(f"after {timeout:.0f}s, {what}: " + "; ".join(found))
        await asyncio.sleep(1)
