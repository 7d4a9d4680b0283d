"""What the API, the CSV import and the events say about a library."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sirbi_members.libraries.isil import validate_isil
from sirbi_members.libraries.models import Capability, Library, LibraryStatus, LibraryType


class Coordinates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90, examples=[-12.0464])
    longitude: float = Field(ge=-180, le=180, examples=[-77.0428])


class LibraryFields(BaseModel):
    """The describable part of a library, shared by create, import rows and replicas."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    isil: str | None = Field(default=None, max_length=16, examples=["PE-LiBN"], description="ISO 15511 ISIL")
    national_id: str | None = Field(default=None, min_length=1, max_length=50, examples=["150101-0001"])
    name: str = Field(min_length=1, max_length=300, examples=["Biblioteca Pública Municipal de Miraflores"])
    type: LibraryType = LibraryType.PUBLIC
    admin_levels: list[str] = Field(
        default_factory=list,
        max_length=6,
        description="The country's own administrative levels, top down",
        examples=[["Lima", "Lima", "Miraflores"]],
    )
    address: str | None = Field(default=None, max_length=500, examples=["Av. Larco 770"])
    coordinates: Coordinates | None = None
    status: LibraryStatus = LibraryStatus.OPEN
    capabilities: list[Capability] = Field(
        default_factory=list, examples=[["internet_access", "public_computers"]]
    )

    @field_validator("admin_levels")
    @classmethod
    def _levels(cls, levels: list[str]) -> list[str]:
        cleaned = [level.strip() for level in levels]
        if any(not level or len(level) > 120 for level in cleaned):
            raise ValueError("administrative levels must be non-empty names of at most 120 characters")
        return cleaned

    @field_validator("capabilities")
    @classmethod
    def _distinct(cls, capabilities: list[Capability]) -> list[Capability]:
        return sorted(set(capabilities))

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if not self.isil and not self.national_id:
            raise ValueError("a library needs an ISIL or a national id")
        if self.status is LibraryStatus.CLOSED:
            raise ValueError("status 'closed' is set by closing the library, not by editing it")
        return self


class LibraryCreate(LibraryFields):
    country: str = Field(min_length=2, max_length=2, examples=["PE"])

    @model_validator(mode="after")
    def _isil_of_country(self) -> Self:
        self.country = self.country.upper()
        if self.isil:
            self.isil = validate_isil(self.isil, self.country)
        return self


class LibraryPublic(LibraryFields):
    """A library as readers, exports and events see it (enough to keep a replica)."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    country: str
    status: LibraryStatus
    admin_area: str = Field(examples=["Lima / Lima / Miraflores"])
    version: int
    updated_at: datetime

    @model_validator(mode="after")
    def _identified(self) -> Self:  # a closed library is a valid public record
        return self

    @classmethod
    def of(cls, library: Library) -> LibraryPublic:
        coordinates = (
            Coordinates(latitude=library.latitude, longitude=library.longitude)
            if library.latitude is not None and library.longitude is not None
            else None
        )
        return cls(
            id=library.id,
            country=library.country,
            isil=library.isil,
            national_id=library.national_id,
            name=library.name,
            type=LibraryType(library.type),
            admin_levels=list(library.admin_levels),
            admin_area=library.admin_area,
            address=library.address,
            coordinates=coordinates,
            status=LibraryStatus(library.status),
            capabilities=[Capability(c) for c in library.capabilities],
            version=library.version,
            updated_at=library.updated_at,
        )


def search_text(*parts: str | None) -> str:
    """Lower-case, accents removed, so 'biblioteca publica' finds 'Biblioteca Pública'."""
    joined = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
