"""The caller of a gateway endpoint, as a `Principal` whatever the credential.

A user presents an access token (Bearer JWT, verified like every service verifies it); an
integration client presents an API key and becomes `Principal(subject="client:<id>",
roles={integration})`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sirbi_shared.auth import Principal, Role
from sirbi_shared.auth.dependencies import current_principal, require_roles

Caller = Annotated[Principal, Depends(current_principal)]
Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT))]
# Integration clients manage their own subscriptions; the secretariat sees and manages all.
Integrator = Annotated[Principal, Depends(require_roles(Role.INTEGRATION, Role.SECRETARIAT))]

CLIENT_PREFIX = "client:"


def client_id_of(principal: Principal) -> str | None:
    """The integration client's id, or None for a user."""
    if principal.subject.startswith(CLIENT_PREFIX):
        return principal.subject[len(CLIENT_PREFIX) :]
    return None
