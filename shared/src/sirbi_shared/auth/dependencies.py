"""FastAPI dependencies: the calling principal, and role requirements."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sirbi_shared.auth.principal import Principal, Role
from sirbi_shared.auth.tokens import InvalidToken, TokenVerifier
from sirbi_shared.http.problems import ProblemError

_bearer = HTTPBearer(auto_error=False, description="Access token issued by the gateway's sign-in")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sirbi"'}


async def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = request.app.state.token_verifier
    if verifier is None:
        raise ProblemError(503, "auth_not_configured", "This service has no token verification key.")
    return verifier


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    try:
        return (await _verifier(request)).verify(credentials.credentials)
    except InvalidToken as exc:
        raise ProblemError(
            401, "invalid_token", f"The access token was rejected: {exc}", headers=_CHALLENGE
        ) from exc


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise ProblemError(401, "authentication_required", "Sign in to do this.", headers=_CHALLENGE)
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets through only principals with one of `roles`."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            raise ProblemError(
                403,
                "forbidden",
                f"This needs one of the roles: {', '.join(sorted(roles))}.",
                required_roles=sorted(roles),
            )
        return principal

    return check
