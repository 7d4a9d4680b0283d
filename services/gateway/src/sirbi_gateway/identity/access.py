"""The caller of a gateway endpoint, as a `Principal` whatever the credential.

A user presents an access token (`Authorization: Bearer …`, verified as every service verifies
it). An integration client presents its API key (`X-API-Key: sk_…`) and becomes
`Principal(subject="client:<id>", roles={integration})`, with the scopes of its key kept on the
request for the checks below.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from sirbi_gateway.identity import repository, service
from sirbi_gateway.identity.schemas import Scope
from sirbi_shared.auth import Principal, Role
from sirbi_shared.auth.tokens import InvalidToken, TokenVerifier
from sirbi_shared.db import Database
from sirbi_shared.http.problems import ProblemError

CLIENT_PREFIX = "client:"
_bearer_scheme = HTTPBearer(auto_error=False, description="A user's access token from /api/auth/login")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An integration client's API key")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sirbi"'}
# last_used_at is a hint for the secretariat, not an audit log: written at most this often per key.
_LAST_USED_EVERY = timedelta(minutes=1)


async def identify(request: Request) -> Principal | None:
    """The caller named by the request's credential (Bearer token, else API key); None when it
    carries none. A credential that does not check out is a 401, never an anonymous request."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        verifier: TokenVerifier | None = request.app.state.token_verifier
        if verifier is None:
            raise ProblemError(503, "auth_not_configured", "The gateway has no token verification key.")
        try:
            user = verifier.verify(token.strip())
        except InvalidToken as exc:
            raise ProblemError(
                401, "invalid_token", f"The access token was rejected: {exc}", headers=_CHALLENGE
            ) from exc
        request.state.scopes = frozenset(Scope)  # users are limited by their roles, not scopes
        return user
    api_key = request.headers.get("x-api-key")
    if not api_key:
        return None
    database: Database = request.app.state.database
    async with database.transaction() as session:
        holder = await service.recognise_key(session, api_key)
        if holder is None:
            raise ProblemError(
                401, "invalid_api_key", "The API key is unknown or revoked.", headers=_CHALLENGE
            )
        now = datetime.now(UTC)
        if holder.last_used_at is None or now - holder.last_used_at > _LAST_USED_EVERY:
            await repository.mark_client_used(session, holder.client_id, now)
    request.state.scopes = holder.scopes
    return Principal(subject=f"{CLIENT_PREFIX}{holder.client_id}", roles=frozenset({Role.INTEGRATION}))


async def current_caller(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    _key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    # The two security schemes are declared for the OpenAPI document; `identify` reads both.
    caller = await identify(request)
    if caller is None:
        raise ProblemError(401, "authentication_required", "Sign in, or send an API key.", headers=_CHALLENGE)
    return caller


Caller = Annotated[Principal, Depends(current_caller)]


def require_scope(request: Request, scope: Scope) -> None:
    if scope not in getattr(request.state, "scopes", frozenset()):
        raise ProblemError(403, "scope", f"This API key lacks the {scope} scope.", scope=scope.value)


async def _secretariat(caller: Caller) -> Principal:
    if not caller.has_role(Role.SECRETARIAT):
        raise ProblemError(403, "forbidden", "This needs the secretariat role.")
    return caller


async def _integrator(request: Request, caller: Caller) -> Principal:
    if caller.has_role(Role.SECRETARIAT):
        return caller
    if not caller.has_role(Role.INTEGRATION):
        raise ProblemError(403, "forbidden", "This is for integration clients (and the secretariat).")
    require_scope(request, Scope.SUBSCRIBE)
    return caller


Secretariat = Annotated[Principal, Depends(_secretariat)]
# Integration clients manage their own subscriptions; the secretariat sees and manages all.
Integrator = Annotated[Principal, Depends(_integrator)]


def client_id_of(principal: Principal) -> str | None:
    """The integration client's id, or None for a user."""
    if principal.subject.startswith(CLIENT_PREFIX):
        return principal.subject[len(CLIENT_PREFIX) :]
    return None
