"""Who is calling: the claims every service reads from a verified token."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    REPRESENTATIVE = "representative"
    WG_COORDINATOR = "wg_coordinator"
    WG_MEMBER = "wg_member"
    OBSERVER = "observer"
    INTEGRATION = "integration"


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject: str
    roles: frozenset[Role] = Field(default_factory=frozenset)
    # ISO 3166-1 alpha-2 country a national representative acts for.
    country: str | None = None
    working_groups: frozenset[str] = Field(default_factory=frozenset)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))
