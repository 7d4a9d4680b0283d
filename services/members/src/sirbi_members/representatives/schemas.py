"""What the API and the events say about a representative.

Email and phone are personal data: `RepresentativePublic` (events, history, anonymous readers)
has none; `RepresentativeRead` adds them for signed-in callers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from sirbi_members.member_states.schemas import CountryCode
from sirbi_members.representatives.models import Representative, RepresentativeRole

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
# A plain shape check: deliverability is the sender's concern, not a validation rule.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Field(examples=["focal.point@example.org"]),
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=5, max_length=40, pattern=r"^\+?[0-9][0-9 ().-]*$"),
    Field(examples=["+51 1 555 0100"]),
]


class RepresentativeAppointment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "country": "PE",
                    "name": "María Quispe",
                    "position": "Directora de Bibliotecas Públicas",
                    "entity": "Biblioteca Nacional del Perú",
                    "role": "focal_point",
                    "email": "focal.point@example.org",
                    "appointed_on": "2026-03-01",
                }
            ]
        },
    )

    country: CountryCode = Field(description="A registered member state (else 422 `unknown_member_state`).")
    name: ShortText
    position: ShortText
    entity: ShortText = Field(description="The institution the representative works for.")
    network_id: uuid.UUID | None = Field(
        default=None, description="A network of the same country (else 422 `network_not_in_country`)."
    )
    role: RepresentativeRole
    email: Email
    phone: Phone | None = None
    appointed_on: date


class RepresentativeChanges(BaseModel):
    """A partial update: only the fields sent change; `network_id` and `phone` may be removed with
    null. Name, country and dates do not change here (ending has its own command)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"position": "Jefa de la Red", "phone": None}]}
    )

    position: ShortText | None = None
    entity: ShortText | None = None
    network_id: uuid.UUID | None = None
    email: Email | None = None
    phone: Phone | None = None
    role: RepresentativeRole | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        nulled = sorted(
            f for f in self.model_fields_set - {"network_id", "phone"} if getattr(self, f) is None
        )
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null")
        return self


class RepresentativeEnd(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"ended_on": "2027-02-28"}]})

    ended_on: date = Field(
        description="The day the appointment ended; not before it began (else 422 `ended_before_appointed`)."
    )


class RepresentativePublic(BaseModel):
    """A representative as every reader and every event sees it: no contact data."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    country: str = Field(examples=["PE"])
    name: str
    position: str
    entity: str
    network_id: uuid.UUID | None = None
    role: RepresentativeRole
    appointed_on: date
    ended_on: date | None = Field(default=None, description="Set once the appointment has ended.")
    version: int = Field(examples=[1])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, representative: Representative) -> RepresentativePublic:
        return cls.model_validate(representative)


class RepresentativeRead(RepresentativePublic):
    """A representative as the API returns it; contact data only to signed-in callers."""

    email: str | None = Field(
        default=None, description="Personal data: only for signed-in callers; null for anonymous readers."
    )
    phone: str | None = Field(
        default=None, description="Personal data: only for signed-in callers; null for anonymous readers."
    )

    @classmethod
    def of(cls, representative: Representative, *, with_contact: bool = False) -> RepresentativeRead:
        read = cls.model_validate(representative)
        if with_contact:
            return read
        return read.model_copy(update={"email": None, "phone": None})
