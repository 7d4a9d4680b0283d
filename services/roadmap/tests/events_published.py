"""What the roadmap service published about one record, read from its outbox."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from services.roadmap.tests.conftest import RoadmapUnderTest
from sirbi_shared.outbox.tables import outbox_table


async def published(roadmap: RoadmapUnderTest, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(verb, data) of every event about one record, in order."""
    async with roadmap.database.transaction() as session:
        rows = await session.execute(
            select(outbox_table.c.event_type, outbox_table.c.data)
            .where(outbox_table.c.partition_key == aggregate_id)
            .order_by(outbox_table.c.id)
        )
        return [(t.rsplit(".", 2)[-2], d if isinstance(d, dict) else json.loads(d)) for t, d in rows]


async def verbs(roadmap: RoadmapUnderTest, aggregate_id: str) -> list[str]:
    return [verb for verb, _ in await published(roadmap, aggregate_id)]
