"""Subscription events on `sirbi.gateway.v1`; each carries the subscription as it now is (never
its secret)."""

from __future__ import annotations

from sirbi_gateway.streams import stream
from sirbi_gateway.webhooks.schemas import SubscriptionPublic
from sirbi_shared.events import EventPayload


class SubscriptionEvent(EventPayload):
    subscription: SubscriptionPublic


@stream.event("subscription", "created")
class SubscriptionCreated(SubscriptionEvent):
    """An integration client subscribed to platform events."""


@stream.event("subscription", "updated")
class SubscriptionUpdated(SubscriptionEvent):
    """A subscription's URL, event types, countries or description changed."""


@stream.event("subscription", "disabled")
class SubscriptionDisabled(SubscriptionEvent):
    """Deliveries to a subscription stopped, by its owner or because its endpoint kept failing;
    its backlog is kept."""

    reason: str


@stream.event("subscription", "enabled")
class SubscriptionEnabled(SubscriptionEvent):
    """A disabled subscription was enabled again; its kept backlog is delivered."""


@stream.event("subscription", "secret_rotated")
class SubscriptionSecretRotated(SubscriptionEvent):
    """A subscription's signing secret was replaced."""
