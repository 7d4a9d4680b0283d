"""A working group, its member countries and people."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sirbi_roadmap.db import Base


class WorkingGroup(Base):
    __tablename__ = "working_groups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text, unique=True)
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(60)))
    coordinator_name: Mapped[str] = mapped_column(Text)
    coordinator_country: Mapped[str] = mapped_column(String(2))
    # The coordinator's sign-in name, when they have an account (their token names this group).
    coordinator_subject: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    countries: Mapped[list[GroupCountry]] = relationship(
        order_by="GroupCountry.country", cascade="all, delete-orphan", lazy="selectin"
    )
    people: Mapped[list[GroupPerson]] = relationship(
        order_by="GroupPerson.name", cascade="all, delete-orphan", lazy="selectin"
    )


class GroupCountry(Base):
    __tablename__ = "working_group_countries"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    joined_on: Mapped[date] = mapped_column(Date)


class GroupPerson(Base):
    __tablename__ = "working_group_people"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str | None] = mapped_column(Text)
    joined_on: Mapped[date] = mapped_column(Date)
