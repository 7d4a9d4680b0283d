"""The regional dashboard's figures."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Figures(BaseModel):
    total: int
    by_status: dict[str, int] = Field(examples=[{"active": 19, "suspended": 2}])

    @classmethod
    def of(cls, by_status: dict[str, int]) -> Figures:
        return cls(total=sum(by_status.values()), by_status=dict(sorted(by_status.items())))


class LibraryFigures(Figures):
    by_type: dict[str, int] = Field(description="Libraries not closed, per type", examples=[{"public": 120}])
    by_country: dict[str, int] = Field(
        description="Libraries not closed, per member state", examples=[{"PE": 80}]
    )


class Dashboard(BaseModel):
    member_states: Figures
    networks: Figures
    libraries: LibraryFigures
    agreements: Figures
    actions: Figures
    working_groups: Figures
    as_of: int = Field(description="The last activity feed position these figures include")
