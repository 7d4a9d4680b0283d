"""Subscriptions, the events kept for them, and one delivery row per (subscription, event) sent."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_gateway.db import Base

# `org.sirbi.agreements.agreement.*` takes every type starting with `org.sirbi.agreements.agreement.`.
WILDCARD = "*"


class Subscription(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    owner: Mapped[str] = mapped_column(Text, index=True)  # the principal's subject, `client:<id>`
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    event_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))  # empty: every country
    secret: Mapped[str] = mapped_column(Text)  # `whsec_<base64>`; HMAC needs the key itself
    # After a rotation the old secret signs too, until then: receivers switch without a gap.
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The current run of failed attempts, for the disabling policy; a success ends it.
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def signing_secrets(self, at: datetime) -> tuple[str, ...]:
        """The secrets a delivery at `at` is signed with: the current one, and the previous one
        during its grace period."""
        if self.previous_secret and self.previous_secret_until and at < self.previous_secret_until:
            return (self.secret, self.previous_secret)
        return (self.secret,)

    def wants(self, event_type: str, countries: frozenset[str] | list[str]) -> bool:
        """Whether an event of this type about these countries goes to this subscription."""
        if not any(_type_matches(pattern, event_type) for pattern in self.event_types):
            return False
        # A subscription scoped to countries gets only events that name one of them.
        return not self.countries or bool(set(self.countries) & set(countries))


def _type_matches(pattern: str, event_type: str) -> bool:
    if pattern == WILDCARD:
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


class StoredEvent(Base):
    """Every platform event the gateway saw, as needed to deliver it again (replay)."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_webhook_events_source_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the retry window; can be redelivered by hand


class DeliveryCause(enum.StrEnum):
    EVENT = "event"
    REDELIVERY = "redelivery"
    REPLAY = "replay"


class Delivery(Base):
    """One event to send to one subscription, with the outcome of its latest attempt."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_seq: Mapped[int] = mapped_column(ForeignKey("webhook_events.seq"))
    # The event's time, copied here so a subscription's queue is ordered without a join.
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cause: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Start of the retry window; cleared when a disabled subscription is enabled again.
    first_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
