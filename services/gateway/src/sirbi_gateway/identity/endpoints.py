"""HTTP API of identity: sign-in, refresh, sign-out, password change; users and integration
clients for the secretariat."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from sirbi_gateway.identity import repository, service
from sirbi_gateway.identity.access import Caller, Secretariat
from sirbi_gateway.identity.schemas import (
    ClientPublic,
    ClientWithKey,
    Credentials,
    Me,
    NewClient,
    NewUser,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserFields,
    UserPublic,
)
from sirbi_gateway.throttling import Throttles
from sirbi_shared.db import SessionDep
from sirbi_shared.http.problems import ProblemError, problem_docs, problem_response
from sirbi_shared.http.versioning import IfMatch, set_etag

router = APIRouter(prefix="/api")

PROBLEMS = problem_docs(
    {
        401: "Not signed in, wrong credentials, or a refresh token that is unknown, used or revoked",
        403: "Not the secretariat, or a wrong current password",
        404: "No such user or client",
        409: "Email taken, or the key already revoked",
        412: "Stale If-Match",
        428: "If-Match missing",
        429: "Too many attempts: see Retry-After",
    }
)


def _policy(request: Request) -> service.TokenPolicy:
    policy: service.TokenPolicy | None = getattr(request.app.state, "token_policy", None)
    if policy is None:
        raise ProblemError(503, "signing_not_configured", "The gateway has no token signing key.")
    return policy


@router.post(
    "/auth/login",
    operation_id="sign_in",
    summary="Sign in: an access token and a refresh token",
    tags=["identity"],
    responses={k: PROBLEMS[k] for k in (401, 429)},
)
async def sign_in(body: Credentials, request: Request, session: SessionDep) -> TokenPair:
    throttles: Throttles = request.app.state.throttles
    await throttles.sign_in_attempt(body.email, request.client.host if request.client else "unknown")
    return await service.sign_in(session, _policy(request), body.email, body.password.get_secret_value())


@router.post(
    "/auth/refresh",
    operation_id="refresh_tokens",
    summary="Trade a refresh token (once) for a new pair",
    tags=["identity"],
    responses={401: PROBLEMS[401]},
)
async def refresh_tokens(body: RefreshRequest, request: Request, session: SessionDep) -> Any:
    pair = await service.refresh(session, _policy(request), body.refresh_token.get_secret_value())
    if pair is None:
        # Answered, not raised: the revocation of the copied token's family must be committed.
        return problem_response(
            401,
            "invalid_refresh_token",
            "Sign in again.",
            headers={"WWW-Authenticate": 'Bearer realm="sirbi"'},
        )
    return pair


@router.post(
    "/auth/logout",
    status_code=204,
    operation_id="sign_out",
    summary="Sign out: the refresh token (and the ones it was traded for) stop working",
    tags=["identity"],
    responses={401: PROBLEMS[401]},
)
async def sign_out(body: RefreshRequest, session: SessionDep) -> Response:
    await service.sign_out(session, body.refresh_token.get_secret_value())
    return Response(status_code=204)


@router.get(
    "/auth/me",
    operation_id="who_am_i",
    summary="The signed-in caller",
    tags=["identity"],
    responses={401: PROBLEMS[401]},
)
async def who_am_i(caller: Caller, session: SessionDep) -> Me:
    return await service.describe_caller(session, caller)


@router.post(
    "/auth/password",
    status_code=204,
    operation_id="change_password",
    summary="Change one's password (signs out everywhere else)",
    tags=["identity"],
    responses={k: PROBLEMS[k] for k in (401, 403)},
)
async def change_password(body: PasswordChange, caller: Caller, session: SessionDep) -> Response:
    await service.change_password(
        session, caller, body.current_password.get_secret_value(), body.new_password.get_secret_value()
    )
    return Response(status_code=204)


@router.get(
    "/users",
    operation_id="list_users",
    summary="Users, by email",
    tags=["users"],
    responses={k: PROBLEMS[k] for k in (401, 403)},
)
async def list_users(session: SessionDep, caller: Secretariat) -> list[UserPublic]:
    return [UserPublic.of(u) for u in await repository.list_users(session)]


@router.get(
    "/users/{user_id}",
    operation_id="get_user",
    summary="One user",
    tags=["users"],
    responses={k: PROBLEMS[k] for k in (401, 403, 404)},
)
async def get_user(
    user_id: uuid.UUID, session: SessionDep, caller: Secretariat, response: Response
) -> UserPublic:
    user = await repository.get_user(session, user_id)
    set_etag(response, user.version)
    return UserPublic.of(user)


@router.post(
    "/users",
    status_code=201,
    operation_id="create_user",
    summary="Create a user with a first password",
    tags=["users"],
    responses={k: PROBLEMS[k] for k in (401, 403, 409)},
)
async def create_user(
    body: NewUser, session: SessionDep, caller: Secretariat, response: Response
) -> UserPublic:
    user = await service.create_user(session, body, caller.subject)
    set_etag(response, user.version)
    response.headers["Location"] = f"/api/users/{user.id}"
    return UserPublic.of(user)


@router.put(
    "/users/{user_id}",
    operation_id="update_user",
    summary="Replace a user's name, roles, country, groups and active flag",
    tags=["users"],
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 412, 428)},
)
async def update_user(
    user_id: uuid.UUID,
    body: UserFields,
    session: SessionDep,
    caller: Secretariat,
    expected: IfMatch,
    response: Response,
) -> UserPublic:
    user = await service.update_user(session, user_id, body, expected, caller.subject)
    set_etag(response, user.version)
    return UserPublic.of(user)


@router.get(
    "/clients",
    operation_id="list_clients",
    summary="Integration clients",
    tags=["integration clients"],
    responses={k: PROBLEMS[k] for k in (401, 403)},
)
async def list_clients(session: SessionDep, caller: Secretariat) -> list[ClientPublic]:
    return [ClientPublic.of(c) for c in await repository.list_clients(session)]


@router.post(
    "/clients",
    status_code=201,
    operation_id="create_client",
    summary="Create an integration client; its API key is shown this once",
    tags=["integration clients"],
    responses={k: PROBLEMS[k] for k in (401, 403)},
)
async def create_client(
    body: NewClient, session: SessionDep, caller: Secretariat, response: Response
) -> ClientWithKey:
    client, key = await service.create_client(session, body, caller.subject)
    set_etag(response, client.version)
    response.headers["Location"] = f"/api/clients/{client.id}"
    response.headers["Cache-Control"] = "no-store"
    return ClientWithKey(**ClientPublic.of(client).model_dump(), api_key=key)


@router.post(
    "/clients/{client_id}/revoke",
    operation_id="revoke_client",
    summary="Revoke a client's API key",
    tags=["integration clients"],
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409, 412, 428)},
)
async def revoke_client(
    client_id: uuid.UUID, session: SessionDep, caller: Secretariat, expected: IfMatch, response: Response
) -> ClientPublic:
    client = await service.revoke_client(session, client_id, expected, caller.subject)
    set_etag(response, client.version)
    return ClientPublic.of(client)
