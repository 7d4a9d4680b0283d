"""Replica rows: only the facts agreement rules need, each with the version of the event that
last set it (an older event never overwrites a newer one)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_agreements.db import Base

ACTIVE_MEMBER = "active"
CONSTITUTED_NETWORK = "constituted"


class KnownMemberState(Base):
    __tablename__ = "known_member_states"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_es: Mapped[str] = mapped_column(Text)
    name_pt: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KnownNetwork(Base):
    __tablename__ = "known_networks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    official_name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
