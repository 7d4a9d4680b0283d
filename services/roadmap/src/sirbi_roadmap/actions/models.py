"""An action of the roadmap and the rules of its status.

proposed → planned → in_progress → done
              ↘         ⇅ (block with a reason / unblock)
               blocked
any open status → cancelled (with a reason)
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sirbi_roadmap.db import Base


def _enum_column(enum: type[StrEnum]) -> SAEnum:
    return SAEnum(enum, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class ActionStatus(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN = {ActionStatus.PROPOSED, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED}


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Origin(StrEnum):
    PROPOSAL = "proposal"  # proposed by a person
    AGREEMENT = "agreement"  # proposed by the platform when its agreement entered into force


class Flag(StrEnum):
    """Something the working group must look at; cleared by the change that resolves it."""

    AGREEMENT_TERMINATED = "agreement_terminated"
    NEEDS_NEW_LEAD = "needs_new_lead"  # the lead country withdrew from the network
    NEEDS_WORKING_GROUP = "needs_working_group"  # no group looks after the agreement's areas


class IllegalTransition(Exception):
    def __init__(self, command: str, status: ActionStatus) -> None:
        super().__init__(f"cannot {command} an action that is {status}")
        self.command = command
        self.status = status


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("strategic_lines.id"), index=True)
    working_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("working_groups.id"), index=True)
    lead_country: Mapped[str] = mapped_column(String(2), index=True)
    participants: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    origin: Mapped[Origin] = mapped_column(_enum_column(Origin))
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(_enum_column(ActionStatus))
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Where `unblock` returns to.
    paused_from: Mapped[ActionStatus | None] = mapped_column(_enum_column(ActionStatus))
    priority: Mapped[Priority] = mapped_column(_enum_column(Priority))
    flags: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    # The due date whose "overdue" notice was published: once per due date, across restarts.
    overdue_notice_for: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    progress: Mapped[list[ProgressUpdate]] = relationship(
        order_by="ProgressUpdate.number", cascade="all, delete-orphan", lazy="selectin"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        order_by="Indicator.number", cascade="all, delete-orphan", lazy="selectin"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="Milestone.number", cascade="all, delete-orphan", lazy="selectin"
    )

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN and self.due_date is not None and self.due_date < today

    def needs_overdue_notice(self, today: date) -> bool:
        return self.is_overdue(today) and self.overdue_notice_for != self.due_date

    def _move(
        self, command: str, allowed: set[ActionStatus], to: ActionStatus, reason: str | None = None
    ) -> None:
        if self.status not in allowed:
            raise IllegalTransition(command, self.status)
        self.status, self.status_reason = to, reason

    def plan(self) -> None:
        self._move("plan", {ActionStatus.PROPOSED}, ActionStatus.PLANNED)

    def start(self) -> None:
        self._move("start", {ActionStatus.PLANNED}, ActionStatus.IN_PROGRESS)

    def block(self, reason: str) -> None:
        was = self.status
        self._move("block", {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}, ActionStatus.BLOCKED, reason)
        self.paused_from = was

    def unblock(self) -> None:
        self._move("unblock", {ActionStatus.BLOCKED}, self.paused_from or ActionStatus.IN_PROGRESS)
        self.paused_from = None

    def complete(self) -> None:
        self._move("complete", {ActionStatus.IN_PROGRESS}, ActionStatus.DONE)

    def cancel(self, reason: str) -> None:
        self._move("cancel", OPEN, ActionStatus.CANCELLED, reason)
        self.paused_from = None

    def flag(self, flag: Flag) -> bool:
        if flag.value in self.flags:
            return False
        self.flags = [*self.flags, flag.value]
        return True

    def clear_flag(self, flag: Flag) -> None:
        self.flags = [f for f in self.flags if f != flag.value]


class ProgressUpdate(Base):
    """One entry of an action's progress log; entries are only ever added."""

    __tablename__ = "action_progress"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)
    reported_by: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Indicator(Base):
    __tablename__ = "action_indicators"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    current: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Milestone(Base):
    __tablename__ = "action_milestones"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    reached_on: Mapped[date | None] = mapped_column(Date)
