"""Adding events to the outbox inside the caller's transaction; its commit wakes the relays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic_core import to_json
from sqlalchemy import BindParameter, Table, bindparam, insert
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import copy_rows
from sirbi_shared.events.envelope import CloudEvent
from sirbi_shared.events.stream import EventPayload, EventStream
from sirbi_shared.history import HISTORY_COLUMNS, ChangeEntry, history_table
from sirbi_shared.outbox.tables import outbox_table
from sirbi_shared.outbox.wakeups import wake_relays_after_commit
from sirbi_shared.tracing import current_traceparent

_COPY_COLUMNS = ("event_id", "topic", "partition_key", "event_type", "headers", "data")


def _values(table: Table, columns: Sequence[str]) -> dict[str, BindParameter[object]]:
    return {name: bindparam(name, type_=table.c[name].type) for name in columns}


# Built once: a statement made afresh per call (`.values(row)`) cost more to assemble and to look
# up in SQLAlchemy's compiled cache than to run.
_INSERT_EVENT = insert(outbox_table).values(_values(outbox_table, _COPY_COLUMNS))
_INSERT_EVENT_AND_ENTRY = (
    insert(history_table)
    .values(_values(history_table, HISTORY_COLUMNS))
    .add_cte(_INSERT_EVENT.cte("outbox_event"))
)


def _row(topic: str, event: CloudEvent) -> dict[str, object]:
    return {
        "event_id": event.id,
        "topic": topic,
        "partition_key": event.partition_key,
        "event_type": event.type,
        "headers": {name: value.decode() for name, value in event.kafka_headers()},
        "data": event.data,
    }


class Outbox:
    """A service's outbox: `await outbox.add(session, payload, aggregate_id=...)` in a use case."""

    def __init__(self, stream: EventStream) -> None:
        self.stream = stream

    async def add(
        self,
        session: AsyncSession,
        payload: EventPayload,
        *,
        aggregate_id: str,
        extensions: Mapping[str, str] | None = None,
        history: ChangeEntry | None = None,
    ) -> CloudEvent:
        """Record the event in the session's transaction: it is published if and only if it commits.

        `history`: the change's entry in the history, written by the same statement (one round
        trip for both)."""
        event = self.stream.new_event(payload, aggregate_id=aggregate_id, extensions=self._trace(extensions))
        row = _row(self.stream.topic, event)
        if history is None:
            await session.execute(_INSERT_EVENT, row)
        else:
            await session.execute(_INSERT_EVENT_AND_ENTRY, {**row, **history})
        wake_relays_after_commit(session, self.stream.topic)
        return event

    async def add_many(self, session: AsyncSession, events: Sequence[CloudEvent]) -> None:
        """Record ready-made envelopes (bulk operations); all go to this stream's topic, by COPY."""
        if not events:
            return
        topic = self.stream.topic
        await copy_rows(
            session,
            outbox_table,
            _COPY_COLUMNS,
            (
                (
                    e.id,
                    topic,
                    e.partition_key,
                    e.type,
                    to_json({name: value.decode() for name, value in e.kafka_headers()}).decode(),
                    to_json(e.data).decode(),
                )
                for e in events
            ),
        )
        wake_relays_after_commit(session, topic)

    @staticmethod
    def _trace(extensions: Mapping[str, str] | None) -> dict[str, str]:
        merged = dict(extensions or {})
        traceparent = current_traceparent()
        if traceparent and "traceparent" not in merged:
            merged["traceparent"] = traceparent
        return merged
