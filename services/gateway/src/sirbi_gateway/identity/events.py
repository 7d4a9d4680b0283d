"""Identity events on `sirbi.gateway.v1` (no emails or names: ADR 0008)."""

from __future__ import annotations

import uuid

from sirbi_gateway.identity.schemas import UserState
from sirbi_gateway.streams import stream
from sirbi_shared.events import EventPayload


class UserEvent(EventPayload):
    user: UserState


@stream.event("user", "created")
class UserCreated(UserEvent):
    """A user account was created."""


@stream.event("user", "updated")
class UserUpdated(UserEvent):
    """A user's roles, country, groups or active flag changed."""


@stream.event("user", "password_changed")
class PasswordChanged(UserEvent):
    """A user changed their password; their refresh tokens were revoked."""


class ClientEvent(EventPayload):
    client_id: uuid.UUID
    scopes: list[str]
    version: int


@stream.event("client", "created")
class ClientCreated(ClientEvent):
    """An integration client was given an API key."""


@stream.event("client", "revoked")
class ClientRevoked(ClientEvent):
    """An integration client's API key was revoked."""
