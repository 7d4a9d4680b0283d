"""The live stream: what was filed after the client's last event id, then each new row as it
is filed. Rows are read in short transactions; nothing is held open between messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from sirbi_gateway.activity import repository
from sirbi_gateway.activity.notifications import ActivityNotifier
from sirbi_gateway.activity.schemas import ActivityItem
from sirbi_shared.db import Database

# Rows sent per read while catching up; a long absence is replayed in slices, not one query.
_BATCH = 200
# A stream looks again this often even without a notification (see notifications.py).
_LOOK_AGAIN_SECONDS = 5.0


# What a stream message carries: the feed item without the CloudEvent's own id and source.
_STREAMED_FIELDS = {
    *("id", "type", "service", "aggregate", "verb"),
    *("countries", "subject", "occurred_at", "data", "title"),
}


def message(item: ActivityItem) -> ServerSentEvent:
    return ServerSentEvent(
        data=item.model_dump_json(include=_STREAMED_FIELDS),
        event=item.type,
        id=str(item.id),
    )


async def live(
    database: Database,
    notifier: ActivityNotifier,
    filters: repository.ActivityFilter,
    resume_after: int | None,
) -> AsyncIterator[ServerSentEvent]:
    if resume_after is None:  # a new client sees what happens from now on
        async with database.transaction() as session:
            resume_after = await repository.last_position(session)
    position = resume_after
    while True:
        ring = notifier.next_ring()
        async with database.transaction() as session:
            rows = await repository.after(session, filters, position, _BATCH)
        for row in rows:
            yield message(ActivityItem.of(row))
            position = row.position
        if len(rows) < _BATCH:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ring.wait(), timeout=_LOOK_AGAIN_SECONDS)
