"""A registered external partner."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_agreements.db import Base


class PartnerKind(StrEnum):
    INTERGOVERNMENTAL = "intergovernmental"  # CERLALC, OEI, UNESCO
    INTERNATIONAL_ASSOCIATION = "international_association"  # IFLA
    NGO = "ngo"
    COMPANY = "company"
    UNIVERSITY = "university"
    PUBLIC_INSTITUTION = "public_institution"  # a ministry or library outside the member networks


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[PartnerKind] = mapped_column(
        SAEnum(PartnerKind, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])
    )
    country: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
