"""A library in the directory."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ARRAY, DateTime, Float, ForeignKey, Integer, String, Text, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_members.db import Base


class LibraryType(StrEnum):
    PUBLIC = "public"
    SCHOOL = "school"
    NATIONAL = "national"
    UNIVERSITY = "university"
    SPECIAL = "special"
    COMMUNITY = "community"  # popular and community libraries


class LibraryStatus(StrEnum):
    OPEN = "open"
    TEMPORARILY_CLOSED = "temporarily_closed"
    PLANNED = "planned"
    CLOSED = "closed"  # for good; reached only through the close command


class Capability(StrEnum):
    INTERNET_ACCESS = "internet_access"
    PUBLIC_COMPUTERS = "public_computers"
    DIGITAL_CONTENT = "digital_content"
    TRAINING_PROGRAMMES = "training_programmes"


class Library(Base):
    __tablename__ = "libraries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    country: Mapped[str] = mapped_column(String(2), ForeignKey("member_states.code"))
    # The library's identity in the directory: "ISIL:<ISIL upper-cased>" or "NID:<country>:<national id>".
    directory_key: Mapped[str] = mapped_column(Text, unique=True)
    isil: Mapped[str | None] = mapped_column(String(16))
    national_id: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    # The country's own administrative levels, top down (e.g. department, province, district).
    admin_levels: Mapped[list[str]] = mapped_column(ARRAY(Text))
    admin_area: Mapped[str] = mapped_column(Text)  # the levels joined with " / ", for prefix filters
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    capabilities: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # Lower-cased, accent-free name, place and ids: what text search matches against.
    search_text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
