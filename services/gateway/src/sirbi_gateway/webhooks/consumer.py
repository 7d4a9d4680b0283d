"""Follows every service's stream and files each event for the webhook subscriptions that want
it, in the events' inbox transaction (one filing however often Kafka delivers it). Any type is
taken: the gateway reads events by their documented envelope, never by other services' code."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.event_facts import SERVICE_TOPICS
from sirbi_gateway.settings import Settings
from sirbi_gateway.webhooks import service
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer


async def _file(events: Sequence[CloudEvent], session: AsyncSession) -> None:
    await service.file_events(session, events)


def webhooks_consumer(database: Database, settings: Settings) -> EventConsumer:
    consumer = EventConsumer(
        name="gateway-webhooks",
        database=database,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topics=[settings.kafka_topic_prefix + topic for topic in SERVICE_TOPICS],
        replication_factor=settings.kafka_replication_factor,
    )
    consumer.on_any_batch(_file)
    return consumer
