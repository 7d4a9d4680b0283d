"""The latest known state of every record that events carry whole (member states, networks,
libraries, agreements, actions, …), reduced to what the figures count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_gateway.db import Base


class RecordReplica(Base):
    __tablename__ = "record_replicas"
    __table_args__ = (Index("ix_record_replicas_aggregate_status", "aggregate", "status"),)

    aggregate: Mapped[str] = mapped_column(String(50), primary_key=True)  # memberstate, library, …
    record_id: Mapped[str] = mapped_column(Text, primary_key=True)
    # The record's own version: an older or repeated state never overwrites a newer one.
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[str | None] = mapped_column(String(50))  # a library's type, an agreement's type
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # for single-country records
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
