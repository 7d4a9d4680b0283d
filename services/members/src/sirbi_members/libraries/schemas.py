"""What the API, the CSV import and the events say about a library."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from sirbi_members.libraries.isil import validate_isil
from sirbi_members.libraries.models import Capability, LibraryStatus, LibraryType

# One administrative level's name (checked by pydantic's core, not Python: imports validate many).
AdminLevel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


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
    admin_levels: list[AdminLevel] = Field(
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
    def described(
        cls, fields: LibraryFields, *, id: uuid.UUID, country: str, version: int, updated_at: datetime
    ) -> LibraryPublic:
        """A library just written from validated `fields` (what bulk writes announce, without
        reading every column back)."""
        stored = {
            **fields.__dict__,
            "id": id,
            "country": country,
            "admin_area": admin_area(fields.admin_levels),
            "version": version,
            "updated_at": updated_at,
        }
        return cls.model_construct(**stored)

    @classmethod
    def of(cls, library: StoredLibrary) -> LibraryPublic:
        """From a stored row, which the table's constraints and the writers have already checked
        (so no validation again: exports and imports make this call for every library)."""
        coordinates = (
            Coordinates.model_construct(latitude=library.latitude, longitude=library.longitude)
            if library.latitude is not None and library.longitude is not None
            else None
        )
        return cls.model_construct(
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


def admin_area(levels: list[str]) -> str:
    """The administrative levels as one path, e.g. "Lima / Lima / Miraflores" (prefix filters)."""
    return " / ".join(levels)


class StoredLibrary(Protocol):
    """A library as the table holds it: an ORM entity or a row returned by a bulk statement."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def country(self) -> str: ...
    @property
    def isil(self) -> str | None: ...
    @property
    def national_id(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def admin_levels(self) -> list[str]: ...
    @property
    def admin_area(self) -> str: ...
    @property
    def address(self) -> str | None: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def status(self) -> str: ...
    @property
    def capabilities(self) -> list[str]: ...
    @property
    def version(self) -> int: ...
    @property
    def updated_at(self) -> datetime: ...


# Combining marks (accents, tildes, cedillas…) of the Latin, Greek and Cyrillic scripts, as NFKD
# separates them from their letters.
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def search_text(*parts: str | None) -> str:
    """Lower-case, accents removed, so 'biblioteca publica' finds 'Biblioteca Pública'."""
    joined = " ".join(p for p in parts if p)
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", joined.casefold()))
