"""What the API and the events say about roadmaps and strategic lines."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sirbi_roadmap.roadmaps.models import Roadmap, StrategicLine


class RoadmapFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "HR-2025-2027",
                    "title": "Hoja de ruta regional 2025-2027",
                    "description": "Compromisos de cooperación acordados por los sistemas nacionales.",
                    "starts_on": "2025-01-01",
                    "ends_on": "2027-12-31",
                }
            ]
        },
    )

    code: str = Field(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=10_000)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.ends_on <= self.starts_on:
            raise ValueError("a roadmap ends after it starts")
        return self


class LineFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "L2",
                    "title": "Formación de bibliotecarios",
                    "description": "Programas regionales de formación continua.",
                }
            ]
        },
    )

    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=10_000)


class LinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    roadmap_id: uuid.UUID
    code: str
    title: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, line: StrategicLine) -> LinePublic:
        return cls.model_validate(line)


class RoadmapPublic(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    lines: list[LinePublic]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, roadmap: Roadmap) -> RoadmapPublic:
        return cls(
            id=roadmap.id,
            code=roadmap.code,
            title=roadmap.title,
            description=roadmap.description,
            starts_on=roadmap.starts_on,
            ends_on=roadmap.ends_on,
            lines=[LinePublic.of(line) for line in roadmap.lines],
            version=roadmap.version,
            created_at=roadmap.created_at,
            updated_at=roadmap.updated_at,
        )
