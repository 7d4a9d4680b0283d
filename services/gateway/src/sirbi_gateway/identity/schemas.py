"""What the identity API takes and says."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, SecretStr, model_validator

from sirbi_gateway.identity.models import ApiClient, User
from sirbi_shared.auth import Principal, Role

CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["PE"]), AfterValidator(str.upper)]
Password = Annotated[SecretStr, Field(min_length=12, max_length=200, description="At least 12 characters")]
USER_ROLES = (Role.SECRETARIAT, Role.REPRESENTATIVE, Role.WG_COORDINATOR, Role.WG_MEMBER, Role.OBSERVER)


class Credentials(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "rep.peru@example.org", "password": "una frase larga y secreta"}]
        },
    )

    email: EmailStr
    password: SecretStr = Field(max_length=200)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"refresh_token": "…"}]})

    refresh_token: SecretStr = Field(min_length=10, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str = Field(description="Use once with /api/auth/refresh; it is replaced each time")


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"current_password": "la frase de antes", "new_password": "otra frase larga y nueva"}
            ]
        },
    )

    current_password: SecretStr = Field(max_length=200)
    new_password: Password


class UserFields(BaseModel):
    """Who a user is and what they may do (roles as in the access token)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "display_name": "Representación nacional del Perú",
                    "roles": ["representative"],
                    "country": "PE",
                    "working_groups": [],
                    "active": True,
                }
            ]
        },
    )

    display_name: str = Field(min_length=2, max_length=200)
    roles: list[Role] = Field(min_length=1)
    country: CountryCode | None = None
    working_groups: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if any(role not in USER_ROLES for role in self.roles):
            raise ValueError("integration is a client's role, not a user's")
        if Role.REPRESENTATIVE in self.roles and self.country is None:
            raise ValueError("a national representative has a country")
        if {Role.WG_COORDINATOR, Role.WG_MEMBER} & set(self.roles) and not self.working_groups:
            raise ValueError("a working-group coordinator or member has at least one group")
        return self


class NewUser(UserFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "rep.peru@example.org",
                    "password": "una frase larga y secreta",
                    "display_name": "Representación nacional del Perú",
                    "roles": ["representative"],
                    "country": "PE",
                }
            ]
        },
    )

    email: EmailStr
    password: Password


class Me(Principal):
    """The caller as an interface greets them: what the token says, and, for a person, their
    name and email (the token carries neither, so it can stay short and free of personal data)."""

    email: str | None = None
    display_name: str | None = None


class UserPublic(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    roles: list[Role]
    country: str | None = None
    working_groups: list[str]
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=[Role(r) for r in user.roles],
            country=user.country,
            working_groups=list(user.working_groups),
            active=user.active,
            version=user.version,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class UserState(BaseModel):
    """A user as events and history carry it: no email or name (personal data, ADR 0008)."""

    id: uuid.UUID
    roles: list[Role]
    country: str | None = None
    working_groups: list[str]
    active: bool
    version: int

    @classmethod
    def of(cls, user: User) -> UserState:
        return cls(
            id=user.id,
            roles=[Role(r) for r in user.roles],
            country=user.country,
            working_groups=list(user.working_groups),
            active=user.active,
            version=user.version,
        )


class Scope(StrEnum):
    READ = "read"  # GET through /api/<service>/, the activity feed and its stream
    SUBSCRIBE = "subscribe"  # webhook subscriptions


class NewClient(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Catálogo colectivo regional", "scopes": ["read", "subscribe"]}]
        },
    )

    name: str = Field(min_length=2, max_length=200)
    scopes: list[Scope] = Field(min_length=1)


class ClientPublic(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[Scope]
    key_prefix: str = Field(description="The start of its key, to tell keys apart")
    created_by: str
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, client: ApiClient) -> ClientPublic:
        return cls(
            id=client.id,
            name=client.name,
            scopes=[Scope(s) for s in client.scopes],
            key_prefix=client.key_prefix,
            created_by=client.created_by,
            revoked_at=client.revoked_at,
            last_used_at=client.last_used_at,
            version=client.version,
            created_at=client.created_at,
        )


class ClientWithKey(ClientPublic):
    api_key: str = Field(description="Shown this once: send it as the X-API-Key header")
