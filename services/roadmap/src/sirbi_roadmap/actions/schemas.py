"""What the API takes and what the API and the events say about actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sirbi_roadmap.actions.models import (
    Action,
    ActionStatus,
    Indicator,
    Milestone,
    Origin,
    Priority,
    ProgressUpdate,
)
from sirbi_roadmap.working_groups.schemas import CountryCode


class IndicatorFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Bibliotecarios formados", "unit": "personas", "target": 400}]
        },
    )

    name: str = Field(min_length=2, max_length=200)
    unit: str = Field(min_length=1, max_length=50)
    target: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class MilestoneFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"title": "Primera cohorte certificada", "due_date": "2026-06-30"}]},
    )

    title: str = Field(min_length=2, max_length=300)
    due_date: date | None = None


class ActionDetails(BaseModel):
    """What the group's coordinator keeps current (status, group and lead change by command)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Curso regional de catalogación en RDA",
                    "description": "Formación virtual para catalogadores de las redes nacionales.",
                    "line_id": "8b7e6d1c-0a3f-4c55-9d35-6f7f3b1c2a10",
                    "participants": ["PE", "CO", "EC"],
                    "start_date": "2026-03-01",
                    "due_date": "2026-11-30",
                    "priority": "high",
                }
            ]
        },
    )

    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=10_000)
    line_id: uuid.UUID | None = None
    participants: list[CountryCode] = Field(default_factory=list, max_length=30)
    start_date: date
    due_date: date | None = None
    priority: Priority = Priority.MEDIUM

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.due_date is not None and self.due_date < self.start_date:
            raise ValueError("the due date is on or after the start date")
        if len(set(self.participants)) != len(self.participants):
            raise ValueError("a participating country appears twice")
        return self


_PROPOSAL_EXAMPLE: dict[str, Any] = {
    "title": "Curso regional de catalogación en RDA",
    "description": "Formación virtual para catalogadores de las redes nacionales.",
    "working_group_id": "3f2d9a4e-5b6c-4d7e-8f90-a1b2c3d4e5f6",
    "lead_country": "PE",
    "participants": ["CO", "EC"],
    "start_date": "2026-03-01",
    "due_date": "2026-11-30",
    "priority": "high",
    "indicators": [{"name": "Bibliotecarios formados", "unit": "personas", "target": 400}],
    "milestones": [{"title": "Primera cohorte certificada", "due_date": "2026-06-30"}],
}


class ActionProposal(ActionDetails):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_PROPOSAL_EXAMPLE]})

    working_group_id: uuid.UUID | None = None
    lead_country: CountryCode
    agreement_id: uuid.UUID | None = Field(default=None, description="The agreement it carries out, if any")
    indicators: list[IndicatorFields] = Field(default_factory=list, max_length=20)
    milestones: list[MilestoneFields] = Field(default_factory=list, max_length=50)


class Reassignment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"working_group_id": "3f2d9a4e-5b6c-4d7e-8f90-a1b2c3d4e5f6", "lead_country": "CO"}]
        },
    )

    working_group_id: uuid.UUID | None = None
    lead_country: CountryCode | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.working_group_id is None and self.lead_country is None:
            raise ValueError("give a new working group, a new lead country, or both")
        return self


class ProgressReport(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"comment": "Primera cohorte: 120 inscritos.", "percent": 30}]},
    )

    comment: str = Field(min_length=2, max_length=5000)
    percent: int | None = Field(default=None, ge=0, le=100)


class IndicatorValue(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"current": 135}]})

    current: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class MilestoneReached(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reached_on": "2026-06-20"}]})

    reached_on: date | None = Field(default=None, description="Defaults to today")


class Reason(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Falta el financiamiento del segundo año."}]},
    )

    reason: str = Field(min_length=3, max_length=2000)


class ProgressPublic(BaseModel):
    number: int
    comment: str
    percent: int | None = None
    reported_by: str
    reported_at: datetime

    @classmethod
    def of(cls, update: ProgressUpdate) -> ProgressPublic:
        return cls(
            number=update.number,
            comment=update.comment,
            percent=update.percent,
            reported_by=update.reported_by,
            reported_at=update.reported_at,
        )


class IndicatorPublic(BaseModel):
    number: int
    name: str
    unit: str
    target: Decimal
    current: Decimal
    updated_at: datetime

    @classmethod
    def of(cls, indicator: Indicator) -> IndicatorPublic:
        return cls(
            number=indicator.number,
            name=indicator.name,
            unit=indicator.unit,
            target=indicator.target,
            current=indicator.current,
            updated_at=indicator.updated_at,
        )


class MilestonePublic(BaseModel):
    number: int
    title: str
    due_date: date | None = None
    reached_on: date | None = None

    @classmethod
    def of(cls, milestone: Milestone) -> MilestonePublic:
        return cls(
            number=milestone.number,
            title=milestone.title,
            due_date=milestone.due_date,
            reached_on=milestone.reached_on,
        )


class ActionSummary(BaseModel):
    """An action as a card on the board."""

    id: uuid.UUID
    title: str
    status: ActionStatus
    lead_country: str
    priority: Priority
    due_date: date | None = None
    overdue: bool
    flags: list[str]
    version: int

    @classmethod
    def of(cls, action: Action, today: date) -> ActionSummary:
        return cls(
            id=action.id,
            title=action.title,
            status=action.status,
            lead_country=action.lead_country,
            priority=action.priority,
            due_date=action.due_date,
            overdue=action.is_overdue(today),
            flags=list(action.flags),
            version=action.version,
        )


class ActionPublic(BaseModel):
    """An action as every reader and every event sees it (enough to keep a replica)."""

    id: uuid.UUID
    title: str
    description: str
    line_id: uuid.UUID | None = None
    working_group_id: uuid.UUID | None = None
    lead_country: str
    participants: list[str]
    agreement_id: uuid.UUID | None = None
    origin: Origin
    start_date: date
    due_date: date | None = None
    status: ActionStatus
    status_reason: str | None = None
    priority: Priority
    flags: list[str]
    overdue: bool
    progress: list[ProgressPublic]
    indicators: list[IndicatorPublic]
    milestones: list[MilestonePublic]
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, action: Action, today: date) -> ActionPublic:
        return cls(
            id=action.id,
            title=action.title,
            description=action.description,
            line_id=action.line_id,
            working_group_id=action.working_group_id,
            lead_country=action.lead_country,
            participants=list(action.participants),
            agreement_id=action.agreement_id,
            origin=action.origin,
            start_date=action.start_date,
            due_date=action.due_date,
            status=action.status,
            status_reason=action.status_reason,
            priority=action.priority,
            flags=list(action.flags),
            overdue=action.is_overdue(today),
            progress=[ProgressPublic.of(p) for p in action.progress],
            indicators=[IndicatorPublic.of(i) for i in action.indicators],
            milestones=[MilestonePublic.of(m) for m in action.milestones],
            version=action.version,
            created_by=action.created_by,
            created_at=action.created_at,
            updated_at=action.updated_at,
        )


class Board(BaseModel):
    """A working group's actions in columns by status (each column by due date)."""

    working_group_id: uuid.UUID
    columns: dict[ActionStatus, list[ActionSummary]]
