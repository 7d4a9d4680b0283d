"""The gateway's one consumer of the service streams: every event of every type is filed, so a
new event type shows in the feed without a gateway release (and without reading the services'
code). Inbox and dead letters as for every consumer (ADR 0003)."""

from __future__ import annotations

from sirbi_gateway.activity.service import file_events
from sirbi_gateway.event_facts import SERVICE_TOPICS
from sirbi_shared.db import Database
from sirbi_shared.inbox import EventConsumer
from sirbi_shared.settings import ServiceSettings

CONSUMER_NAME = "gateway-activity"


def activity_consumer(database: Database, settings: ServiceSettings) -> EventConsumer:
    consumer = EventConsumer(
        name=CONSUMER_NAME,
        database=database,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topics=[settings.kafka_topic_prefix + topic for topic in SERVICE_TOPICS],
        replication_factor=settings.kafka_replication_factor,
    )
    consumer.on_any_batch(file_events)
    return consumer
