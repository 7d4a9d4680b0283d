"""A member state and the rules of its membership status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, Integer, String, Text, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column

from sirbi_members.db import Base


class MemberStatus(StrEnum):
    CANDIDATE = "candidate"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class IllegalTransition(Exception):
    def __init__(self, command: str, status: MemberStatus) -> None:
        super().__init__(f"cannot {command} a member state that is {status}")
        self.command = command
        self.status = status


class MemberState(Base):
    __tablename__ = "member_states"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_es: Mapped[str] = mapped_column(Text)
    name_pt: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    status: Mapped[MemberStatus] = mapped_column(
        SAEnum(MemberStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def _move(
        self, command: str, allowed_from: set[MemberStatus], to: MemberStatus, reason: str | None
    ) -> None:
        if self.status not in allowed_from:
            raise IllegalTransition(command, self.status)
        self.status = to
        self.status_reason = reason
        self.touch()

    def admit(self, today: date) -> None:
        self._move("admit", {MemberStatus.CANDIDATE}, MemberStatus.ACTIVE, None)
        self.admitted_on = today

    def suspend(self, reason: str) -> None:
        self._move("suspend", {MemberStatus.ACTIVE}, MemberStatus.SUSPENDED, reason)

    def reinstate(self) -> None:
        self._move("reinstate", {MemberStatus.SUSPENDED}, MemberStatus.ACTIVE, None)

    def withdraw(self, reason: str) -> None:
        allowed = {MemberStatus.CANDIDATE, MemberStatus.ACTIVE, MemberStatus.SUSPENDED}
        self._move("withdraw", allowed, MemberStatus.WITHDRAWN, reason)

    def rename(self, es: str, pt: str, en: str) -> None:
        self.name_es, self.name_pt, self.name_en = es, pt, en
        self.touch()

    def touch(self) -> None:
        self.version += 1
        self.updated_at = datetime.now(UTC)
