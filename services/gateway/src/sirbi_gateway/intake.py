"""The gateway's one consumer of the service streams. Every event of every type is filed, in the
transaction of its inbox row, for the activity feed and the dashboard (`activity`) and for the
webhook subscriptions that want it (`webhooks`): so a new event type shows in both without a
gateway release (and without reading the services' code). Inbox and dead letters as for every
consumer (ADR 0003).

One consumer for both, not one each: each consumer fetches, parses and claims every event of
four topics again, and under load that cost the gateway more than filing the events did
(docs/performance.md)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.activity import service as activity
from sirbi_gateway.event_facts import SERVICE_TOPICS
from sirbi_gateway.webhooks import service as webhooks
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.settings import ServiceSettings

CONSUMER_NAME = "gateway-events"


async def file_events(events: Sequence[CloudEvent], session: AsyncSession) -> None:
    await activity.file_events(events, session)
    await webhooks.file_events(session, events)


def intake_consumer(database: Database, settings: ServiceSettings) -> EventConsumer:
    consumer = EventConsumer(
        name=CONSUMER_NAME,
        database=database,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topics=[settings.kafka_topic_prefix + topic for topic in SERVICE_TOPICS],
        replication_factor=settings.kafka_replication_factor,
    )
    consumer.on_any_batch(file_events)
    return consumer
