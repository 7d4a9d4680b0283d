"""One row per platform event the gateway has seen; its `position` orders the feed and is the
live stream's event id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_gateway.db import Base

# The channel the consumer notifies on commit, so live streams wake at once instead of polling.
NEW_ACTIVITY_CHANNEL = "gateway_activity"


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        # A rebuild from the start of the topics files nothing twice, whatever the inbox holds.
        UniqueConstraint("source", "event_id", name="uq_activity_source_event_id"),
        Index("ix_activity_countries", "countries", postgresql_using="gin"),
        Index("ix_activity_service_position", "service", "position"),
        Index("ix_activity_type_position", "type", "position"),
        Index("ix_activity_verb_position", "verb", "position"),
    )

    position: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    service: Mapped[str] = mapped_column(String(30))
    aggregate: Mapped[str] = mapped_column(String(50))
    verb: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str | None] = mapped_column(Text)
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    title: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
