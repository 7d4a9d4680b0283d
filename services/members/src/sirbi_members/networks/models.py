"""A national library network (or system) of a member state."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_members.db import Base


class NetworkKind(StrEnum):
    PUBLIC = "public"
    SCHOOL = "school"
    POPULAR = "popular"
    UNIVERSITY = "university"
    MIXED = "mixed"


class NetworkStatus(StrEnum):
    CONSTITUTED = "constituted"
    IN_FORMATION = "in_formation"


def _enum_column(enum: type[StrEnum]) -> SAEnum:
    return SAEnum(enum, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Network(Base):
    __tablename__ = "networks"
    __table_args__ = (UniqueConstraint("country", "official_name", name="uq_networks_country_name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), ForeignKey("member_states.code"))
    kind: Mapped[NetworkKind] = mapped_column(_enum_column(NetworkKind))
    official_name: Mapped[str] = mapped_column(Text)
    governing_entity: Mapped[str] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    status: Mapped[NetworkStatus] = mapped_column(_enum_column(NetworkStatus))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
