"""What the API and the events say about a member state."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sirbi_members.member_states.models import MemberState, MemberStatus


def _iso_country(code: str) -> str:
    code = code.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[
    str,
    Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", examples=["PE"]),
    AfterValidator(_iso_country),
]


class LocalizedName(BaseModel):
    model_config = ConfigDict(extra="forbid")

    es: str = Field(min_length=1, max_length=200, examples=["Perú"])
    pt: str = Field(min_length=1, max_length=200, examples=["Peru"])
    en: str = Field(min_length=1, max_length=200, examples=["Peru"])


class MemberStateCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"code": "PE", "names": {"es": "Perú", "pt": "Peru", "en": "Peru"}}]},
    )

    code: CountryCode
    names: LocalizedName


class MemberStateRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: LocalizedName


class Reason(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Membership dues unpaid for two years"}]}
    )

    reason: str = Field(min_length=3, max_length=1000)


class MemberStatePublic(BaseModel):
    """A member state as every reader and every event sees it (enough to keep a replica)."""

    code: str = Field(examples=["PE"])
    names: LocalizedName
    status: MemberStatus
    status_reason: str | None = None
    admitted_on: date | None = None
    version: int = Field(examples=[1])
    updated_at: datetime

    @classmethod
    def of(cls, state: MemberState) -> MemberStatePublic:
        return cls(
            code=state.code,
            names=LocalizedName(es=state.name_es, pt=state.name_pt, en=state.name_en),
            status=state.status,
            status_reason=state.status_reason,
            admitted_on=state.admitted_on,
            version=state.version,
            updated_at=state.updated_at,
        )
