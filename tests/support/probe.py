"""A throw-away event stream for tests: a unique topic and one event type, `Recorded(seq)`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent, EventPayload, EventStream
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.outbox import Outbox


@dataclass
class ProbeStream:
    stream: EventStream
    recorded: type[EventPayload]

    @property
    def outbox(self) -> Outbox:
        return Outbox(self.stream)

    def event(self, seq: int, note: str = "") -> EventPayload:
        return self.recorded(seq=seq, note=note)  # type: ignore[call-arg]


def new_probe_stream(partitions: int = 3) -> ProbeStream:
    stream = EventStream(f"probe{uuid.uuid4().hex[:10]}", partitions=partitions)

    # A class per stream: registration stamps the type name on the class.
    @stream.event("probe", "recorded")
    class Recorded(EventPayload):
        """A test event carrying a sequence number."""

        seq: int
        note: str = ""

    return ProbeStream(stream, Recorded)


async def record_effect(event: CloudEvent, session: AsyncSession) -> None:
    """The effect the tests count: one `effects` row per application of an event."""
    await session.execute(
        text("INSERT INTO effects (event_id, seq) VALUES (:id, :seq)"),
        {"id": event.id, "seq": event.data["seq"]},
    )


def effect_recorder(probe: ProbeStream, consumer: EventConsumer) -> None:
    consumer.on(probe.recorded.event_type)(record_effect)


async def effect_seqs(database: Database) -> list[int]:
    async with database.transaction() as session:
        return list((await session.execute(text("SELECT seq FROM effects ORDER BY id"))).scalars())


async def wait_until(
    condition: Callable[[], Awaitable[bool]], *, timeout: float = 60.0, interval: float = 0.05, what: str = ""
) -> None:
    """Poll until `condition` holds; fail with `what` after `timeout` seconds (a bound, not a claim)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or condition}")
        await asyncio.sleep(interval)


@asynccontextmanager
async def running(*coroutines: Coroutine[Any, Any, None]) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Run background loops (relays, consumers) for the duration of a block, then cancel them."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        yield tasks
        for task in tasks:
            if task.done() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
