"""What the API and the events say about a national network."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationError,
    model_validator,
)

from sirbi_members.member_states.schemas import CountryCode
from sirbi_members.networks.models import Network, NetworkKind, NetworkStatus


def _web_address(value: str) -> str:
    """Accept only http(s) URLs, but keep the address as written (HttpUrl would add a slash)."""
    try:
        HttpUrl(value)
    except ValidationError as exc:
        raise ValueError("must be an http or https URL") from exc
    return value


NetworkName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=300),
    Field(examples=["Sistema Nacional de Bibliotecas"]),
]
EntityName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=300),
    Field(examples=["Biblioteca Nacional del Perú"]),
]
WebAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_web_address),
    Field(examples=["https://www.bnp.gob.pe"]),
]


class NetworkCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "country": "PE",
                    "kind": "public",
                    "official_name": "Sistema Nacional de Bibliotecas",
                    "governing_entity": "Biblioteca Nacional del Perú",
                    "website": "https://www.bnp.gob.pe",
                    "status": "constituted",
                }
            ]
        },
    )

    country: CountryCode = Field(description="A registered member state (else 422 `unknown_member_state`).")
    kind: NetworkKind
    official_name: NetworkName
    governing_entity: EntityName
    website: WebAddress | None = None
    status: NetworkStatus = NetworkStatus.CONSTITUTED


class NetworkChanges(BaseModel):
    """A partial update: only the fields sent change, and `"website": null` removes the website.
    A network's country never changes (register a new network instead)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "constituted", "website": None}]}
    )

    official_name: NetworkName | None = None
    governing_entity: EntityName | None = None
    website: WebAddress | None = None
    kind: NetworkKind | None = None
    status: NetworkStatus | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        # Leaving a field out keeps it; only the website may be removed with null.
        nulled = sorted(f for f in self.model_fields_set - {"website"} if getattr(self, f) is None)
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null")
        return self


class NetworkPublic(BaseModel):
    """A national network as every reader and every event sees it (enough to keep a replica)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    country: str = Field(examples=["PE"])
    kind: NetworkKind
    official_name: str
    governing_entity: str
    website: str | None = None
    status: NetworkStatus
    version: int = Field(examples=[1])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, network: Network) -> NetworkPublic:
        return cls.model_validate(network)
