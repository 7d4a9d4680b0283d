"""The outbox and inbox tables, shared by every service database.

The schema is created by each service's first migration through `create_messaging_schema` and
changed by later ones through the functions below, so services keep one Alembic history each
while the layout stays the same everywhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

# Relays LISTEN here; a relay standing by passes on wake-ups to its lane's leader (payload: topic).
OUTBOX_CHANNEL = "sirbi_outbox"

messaging_metadata = MetaData()

outbox_table = Table(
    "outbox",
    messaging_metadata,
    # Identity order is insertion order; the relay publishes in this order.
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    # Not indexed: ids are our own time-ordered UUIDs, consumers deduplicate on them in their
    # inbox, and every extra index makes marking rows published (the relay's hot path) slower.
    Column("event_id", String(64), nullable=False),
    Column("topic", String(249), nullable=False),
    Column("partition_key", Text, nullable=True),
    Column("event_type", Text, nullable=False),
    # CloudEvents context attributes and extensions, as Kafka headers (name -> text value).
    Column("headers", JSONB, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True), nullable=True),
)
# Each relay lane's claim walks this index for its topic in id order and stops at its batch size.
Index(
    "ix_outbox_unpublished",
    outbox_table.c.topic,
    outbox_table.c.id,
    postgresql_where=outbox_table.c.published_at.is_(None),
)

inbox_table = Table(
    "inbox",
    messaging_metadata,
    # One row per (consumer, CloudEvents source, id): the CloudEvents identity of an event.
    Column("consumer", String(200), primary_key=True),
    Column("source", Text, primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Version 1 woke the relay with a statement-level trigger that notified in the writing transaction.
# Version 2 drops it: PostgreSQL serialises the commits of notifying transactions, which cost up
# to half the write rate; relays are woken after commit instead (`wakeups`, ADR 0002).
_NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sirbi_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
  RETURN NULL;
END;
$$
"""
_NOTIFY_TRIGGER = """
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
FOR EACH STATEMENT EXECUTE FUNCTION sirbi_outbox_notify()
"""


def _install_version_1(bind: Connection) -> None:
    messaging_metadata.create_all(bind)
    _create_notify_trigger(bind)


def _create_notify_trigger(bind: Connection) -> None:
    bind.execute(text(_NOTIFY_FUNCTION))
    bind.execute(text(_NOTIFY_TRIGGER))


def _drop_notify_trigger(bind: Connection) -> None:
    bind.execute(text("DROP TRIGGER IF EXISTS outbox_notify ON outbox"))
    bind.execute(text("DROP FUNCTION IF EXISTS sirbi_outbox_notify()"))


def install_messaging_schema(bind: Connection) -> None:
    """The outbox/inbox schema as the services' migrations leave it, on a synchronous connection
    (run_sync): for databases that have no Alembic history (tests, benchmarks)."""
    _install_version_1(bind)
    _drop_notify_trigger(bind)


def create_messaging_schema(op: Any) -> None:
    """Version 1: call from a service's first Alembic migration."""
    _install_version_1(op.get_bind())


def drop_outbox_notify_trigger(op: Any) -> None:
    """Version 2, the outbox without its trigger: members 0007, agreements and roadmap 0005, gateway 0006."""
    _drop_notify_trigger(op.get_bind())


def restore_outbox_notify_trigger(op: Any) -> None:
    """Version 2's downgrade."""
    _create_notify_trigger(op.get_bind())


def drop_messaging_schema(op: Any) -> None:
    bind = op.get_bind()
    _drop_notify_trigger(bind)
    messaging_metadata.drop_all(bind)
