"""Idempotent event consumers: an inbox row in the effect's transaction, retries, dead letters."""

from sirbi_shared.inbox.consumer import ConsumerStats, EventConsumer, PermanentEventError

__all__ = ["ConsumerStats", "EventConsumer", "PermanentEventError"]
