"""What the API and the events say about working groups."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sirbi_roadmap.areas import CooperationArea
from sirbi_roadmap.working_groups.models import GroupPerson, WorkingGroup

CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["PE"]), AfterValidator(str.upper)]


class Coordinator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200, examples=["Coordinación del grupo de formación"])
    country: CountryCode
    subject: str | None = Field(default=None, max_length=200, description="Their sign-in name, if any")


class GroupFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Formación y profesionalización",
                    "areas": ["training"],
                    "coordinator": {
                        "name": "Coordinación de formación",
                        "country": "CO",
                        "subject": "coord.co",
                    },
                }
            ]
        },
    )

    name: str = Field(min_length=3, max_length=200)
    areas: list[CooperationArea] = Field(min_length=1)
    coordinator: Coordinator


class CountryJoining(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"country": "PE"}]})

    country: CountryCode


class PersonJoining(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Responsable de formación de la BNP", "country": "PE", "subject": "ana.pe"}]
        },
    )

    name: str = Field(min_length=2, max_length=200)
    country: CountryCode
    subject: str | None = Field(default=None, max_length=200)


class MemberKind(StrEnum):
    COUNTRY = "country"
    PERSON = "person"


class GroupMember(BaseModel):
    """Who joined or left: a member country, or a person (with their id)."""

    kind: MemberKind
    country: str
    person_id: uuid.UUID | None = None
    name: str | None = None


class PersonPublic(BaseModel):
    id: uuid.UUID
    name: str
    country: str
    subject: str | None = None
    joined_on: date

    @classmethod
    def of(cls, person: GroupPerson) -> PersonPublic:
        return cls(
            id=person.id,
            name=person.name,
            country=person.country,
            subject=person.subject,
            joined_on=person.joined_on,
        )


class GroupPublic(BaseModel):
    id: uuid.UUID
    name: str
    areas: list[CooperationArea]
    coordinator: Coordinator
    countries: list[str]
    people: list[PersonPublic]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, group: WorkingGroup) -> GroupPublic:
        return cls(
            id=group.id,
            name=group.name,
            areas=[CooperationArea(a) for a in group.areas],
            coordinator=Coordinator(
                name=group.coordinator_name,
                country=group.coordinator_country,
                subject=group.coordinator_subject,
            ),
            countries=[c.country for c in group.countries],
            people=[PersonPublic.of(p) for p in group.people],
            version=group.version,
            created_at=group.created_at,
            updated_at=group.updated_at,
        )
