"""A representative's appointment and the rules of ending it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, Uuid, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_members.db import Base


class RepresentativeRole(StrEnum):
    FOCAL_POINT = "focal_point"
    ALTERNATE = "alternate"


class AlreadyEnded(Exception):
    def __init__(self, ended_on: date) -> None:
        super().__init__(f"the appointment already ended on {ended_on}")
        self.ended_on = ended_on


class EndedBeforeAppointed(Exception):
    def __init__(self, ended_on: date, appointed_on: date) -> None:
        super().__init__(f"an appointment of {appointed_on} cannot end on {ended_on}")
        self.ended_on = ended_on
        self.appointed_on = appointed_on


class Representative(Base):
    __tablename__ = "representatives"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), ForeignKey("member_states.code"))
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(Text)
    network_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("networks.id"))
    role: Mapped[RepresentativeRole] = mapped_column(
        SAEnum(
            RepresentativeRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
        )
    )
    # Contact data is personal data: the API shows it to signed-in callers only, never in events.
    email: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    appointed_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def end(self, ended_on: date) -> None:
        if self.ended_on is not None:
            raise AlreadyEnded(self.ended_on)
        if ended_on < self.appointed_on:
            raise EndedBeforeAppointed(ended_on, self.appointed_on)
        self.ended_on = ended_on
        self.touch()

    def touch(self) -> None:
        self.version += 1
        self.updated_at = datetime.now(UTC)
