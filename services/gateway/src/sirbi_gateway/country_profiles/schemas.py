"""A country's profile: one part per source, each either there or marked unavailable."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ProfilePart(BaseModel):
    available: bool = Field(description="False when the service did not answer in time or failed")
    service: str = Field(description="The service this part comes from", examples=["agreements"])
    data: Any = Field(default=None, description="The service's answer (a record, or a list of records)")
    more: bool = Field(default=False, description="The list was cut: the service holds more than shown")
    reason: str | None = Field(
        default=None, description="Why the part is unavailable", examples=["timed out after 2.0 s"]
    )


class CountryProfile(BaseModel):
    code: str = Field(examples=["PE"])
    member_state: ProfilePart
    networks: ProfilePart
    directory: ProfilePart = Field(
        description="Library figures from the gateway's replica of the directory: "
        "`{total, by_status, by_type}`"
    )
    agreements: ProfilePart
    actions: ProfilePart
