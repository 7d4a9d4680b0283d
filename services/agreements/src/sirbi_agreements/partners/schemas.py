"""What the API and the events say about a partner."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field

from sirbi_agreements.partners.models import Partner, PartnerKind


def _upper(code: str | None) -> str | None:
    return code.upper() if code else code


CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["CO"]), AfterValidator(_upper)]


class PartnerFields(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Federación Internacional de Asociaciones de Bibliotecarios (IFLA)",
                    "kind": "international_association",
                    "country": "NL",
                    "website": "https://www.ifla.org/",
                }
            ]
        },
    )

    name: str = Field(min_length=2, max_length=300)
    kind: PartnerKind
    country: CountryCode | None = Field(default=None, description="Where it is based, if anywhere")
    website: AnyHttpUrl | None = None


class PartnerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: PartnerKind
    country: str | None = None
    website: str | None = None
    version: int = Field(examples=[1])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, partner: Partner) -> PartnerPublic:
        return cls.model_validate(partner)
