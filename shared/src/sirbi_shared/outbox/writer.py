"""Adding events to the outbox inside the caller's transaction; its commit wakes the relays."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic_core import to_json
from sqlalchemy import BindParameter, Insert, Table, Update, bindparam, exists, insert, literal, select
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


@dataclass(frozen=True)
class NewRow:
    """A record inserted by the same statement as its event (`Outbox.add(..., new_row=...)`):
    its table (`db.table_of(Model)`) and its columns' values."""

    table: Table
    values: Mapping[str, object]


# The record's parameters are prefixed: its columns may share names with the outbox's or the
# history's (`version`, `id`).
_RECORD_PARAMETER = "record_{}"


@dataclass(frozen=True)
class ChangedRow:
    """A change of an existing record made by the same statement as its event, and only if it
    applies: `statement` is an UPDATE of the record whose WHERE holds only for the state the event
    was computed from (its id and version), with RETURNING; if it changes no row, nothing is
    written and `Outbox.add` raises ChangeNotApplied. Its parameters' names must differ from the
    outbox's and the history's columns."""

    statement: Update
    parameters: Mapping[str, object]


class ChangeNotApplied(Exception):
    """The record was no longer in the state its change was computed from (another change came
    first): neither the change nor its event was written."""


@functools.cache
def _with_changed_row(with_history: bool, change: Update) -> Insert:
    """The event's statement (and the entry's), each inserting only if `change` changed a row;
    built once per shape. Data-modifying CTEs share one snapshot: the inserts see the change
    through its RETURNING, which is what the EXISTS reads."""
    changed = change.cte("changed_record")
    applied = exists(select(literal(1)).select_from(changed))
    event = insert(outbox_table).from_select(
        list(_COPY_COLUMNS), select(*_values(outbox_table, _COPY_COLUMNS).values()).where(applied)
    )
    if not with_history:
        return event.add_cte(changed).returning(outbox_table.c.id)
    entry = insert(history_table).from_select(
        list(HISTORY_COLUMNS), select(*_values(history_table, HISTORY_COLUMNS).values()).where(applied)
    )
    return entry.add_cte(changed).add_cte(event.cte("outbox_event")).returning(history_table.c.id)


@functools.cache
def _with_new_row(with_history: bool, table: Table, columns: tuple[str, ...]) -> Insert:
    """The event's statement (and the entry's) inserting a new row of `table` too; built once
    per shape."""
    values = {name: bindparam(_RECORD_PARAMETER.format(name), type_=table.c[name].type) for name in columns}
    statement = _INSERT_EVENT_AND_ENTRY if with_history else _INSERT_EVENT
    return statement.add_cte(insert(table).values(values).cte("new_record"))


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
        new_row: NewRow | None = None,
        changed_row: ChangedRow | None = None,
    ) -> CloudEvent:
        """Record the event in the session's transaction: it is published if and only if it commits.

        `history`: the change's entry in the history; `new_row`: the record the event announces,
        when it is new; `changed_row`: its change, when it exists. They are written by the same
        statement as the event: one round trip for all, and all or nothing (a constraint the
        record breaks fails the statement; a change that does not apply writes nothing)."""
        event = self.stream.new_event(payload, aggregate_id=aggregate_id, extensions=self._trace(extensions))
        parameters: dict[str, object] = _row(self.stream.topic, event)
        statement = _INSERT_EVENT
        if history is not None:
            statement = _INSERT_EVENT_AND_ENTRY
            parameters.update(history)
        if new_row is not None:
            statement = _with_new_row(history is not None, new_row.table, tuple(new_row.values))
            parameters.update((_RECORD_PARAMETER.format(k), v) for k, v in new_row.values.items())
        if changed_row is not None:
            if clash := parameters.keys() & changed_row.parameters.keys():
                raise ValueError(f"the change's parameters {sorted(clash)} shadow the event's")
            statement = _with_changed_row(history is not None, changed_row.statement)
            parameters.update(changed_row.parameters)
            if (await session.execute(statement, parameters)).first() is None:
                raise ChangeNotApplied(aggregate_id)
        else:
            await session.execute(statement, parameters)
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
