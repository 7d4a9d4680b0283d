"""Signing in and out, refresh tokens that rotate and are revoked, password changes, users and
integration clients managed by the secretariat, and the limits on sign-in and on the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from services.gateway.tests.conftest import SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD, Platform, problem
from sirbi_gateway.identity.models import User
from sirbi_gateway.settings import LOCAL_SECRETARIAT_PASSWORD, Settings
from tests.support.probe import wait_until


async def sign_in(platform: Platform, email: str, password: str) -> httpx.Response:
    return await platform.gateway.client.post("/api/auth/login", json={"email": email, "password": password})


async def secretariat_tokens(platform: Platform) -> dict[str, Any]:
    async def created() -> bool:  # looked up, not signed in: attempts are rate-limited
        async with platform.gateway.database.transaction() as session:
            return await session.scalar(select(User.id).where(User.email == SECRETARIAT_EMAIL)) is not None

    await wait_until(created, timeout=30, what="the first secretariat account")
    response = await sign_in(platform, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD)
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_sign_in_refresh_rotation_and_sign_out(platform: Platform) -> None:
    client = platform.gateway.client
    tokens = await secretariat_tokens(platform)
    me = (await client.get("/api/auth/me", headers=bearer(tokens))).json()
    assert me["roles"] == ["secretariat"]
    problem(await sign_in(platform, SECRETARIAT_EMAIL, "not the password at all"), 401, "invalid_credentials")
    problem(
        await sign_in(platform, "nadie@sirbi.example", "not the password at all"), 401, "invalid_credentials"
    )

    refreshed = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refresh_token"] != tokens["refresh_token"]
    assert (await client.get("/api/auth/me", headers=bearer(second))).status_code == 200
    # The first refresh token was used: presented again, it was copied — the sign-in ends.
    problem(
        await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    problem(
        await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )

    third = (await sign_in(platform, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD)).json()
    assert (
        await client.post("/api/auth/logout", json={"refresh_token": third["refresh_token"]})
    ).status_code == 204
    problem(
        await client.post("/api/auth/refresh", json={"refresh_token": third["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    problem(
        await client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"}),
        401,
        "invalid_token",
    )
    problem(await client.get("/api/auth/me"), 401, "authentication_required")


async def test_the_secretariat_manages_users_and_a_disabled_user_is_out(platform: Platform) -> None:
    client = platform.gateway.client
    admin = bearer(await secretariat_tokens(platform))
    new: dict[str, Any] = {
        "email": "Rep.Peru@Example.org",
        "password": "una frase larga del representante",
        "display_name": "Representación del Perú",
        "roles": ["representative"],
        "country": "pe",
    }
    problem(
        await client.post("/api/users", json={**new, "country": None}, headers=admin),
        422,
        "validation_failed",
    )
    problem(
        await client.post("/api/users", json={**new, "password": "corta"}, headers=admin),
        422,
        "validation_failed",
    )
    created = await client.post("/api/users", json=new, headers=admin)
    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["email"], user["country"], created.headers["etag"]) == ("rep.peru@example.org", "PE", '"1"')
    problem(await client.post("/api/users", json=new, headers=admin), 409, "user_exists")

    rep = (await sign_in(platform, "rep.peru@example.org", new["password"])).json()
    me = (await client.get("/api/auth/me", headers=bearer(rep))).json()
    assert (me["roles"], me["country"]) == (["representative"], "PE")
    # The interface greets the person by name, though the token only carries their id.
    assert (me["subject"], me["email"], me["display_name"]) == (
        user["id"],
        user["email"],
        user["display_name"],
    )
    problem(await client.get("/api/users", headers=bearer(rep)), 403, "forbidden")
    problem(await client.post("/api/users", json=new, headers=bearer(rep)), 403, "forbidden")

    fields = {k: user[k] for k in ("display_name", "roles", "country", "working_groups")} | {"active": False}
    url = f"/api/users/{user['id']}"
    problem(await client.put(url, json=fields, headers=admin), 428, "if_match_required")
    problem(await client.put(url, json=fields, headers={**admin, "If-Match": '"7"'}), 412, "version_mismatch")
    disabled = await client.put(url, json=fields, headers={**admin, "If-Match": '"1"'})
    assert disabled.json()["active"] is False
    problem(await sign_in(platform, "rep.peru@example.org", new["password"]), 401, "invalid_credentials")
    problem(
        await client.post("/api/auth/refresh", json={"refresh_token": rep["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )


async def test_changing_ones_password_signs_out_elsewhere(platform: Platform) -> None:
    client = platform.gateway.client
    tokens = await secretariat_tokens(platform)
    change = {"current_password": "no es la actual, claro", "new_password": "la nueva frase secreta y larga"}
    problem(
        await client.post("/api/auth/password", json=change, headers=bearer(tokens)), 403, "wrong_password"
    )
    change["current_password"] = SECRETARIAT_PASSWORD
    assert (await client.post("/api/auth/password", json=change, headers=bearer(tokens))).status_code == 204
    problem(
        await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    problem(await sign_in(platform, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD), 401, "invalid_credentials")
    assert (await sign_in(platform, SECRETARIAT_EMAIL, change["new_password"])).status_code == 200


async def test_sign_in_attempts_are_limited_per_account(platform: Platform) -> None:
    await secretariat_tokens(platform)  # one attempt of the six allowed a minute
    responses = [await sign_in(platform, SECRETARIAT_EMAIL, "adivinando una contraseña") for _ in range(6)]
    assert [r.status_code for r in responses] == [401] * 5 + [429]
    problem(responses[-1], 429, "too_many_sign_in_attempts")
    assert int(responses[-1].headers["retry-after"]) >= 1
    # Even the right password waits now: the limit is on attempts, not on failures.
    problem(
        await sign_in(platform, SECRETARIAT_EMAIL, SECRETARIAT_PASSWORD), 429, "too_many_sign_in_attempts"
    )


async def test_integration_clients_and_their_api_keys(platform: Platform) -> None:
    client = platform.gateway.client
    admin = bearer(await secretariat_tokens(platform))
    created = await client.post(
        "/api/clients", json={"name": "Catálogo regional", "scopes": ["read"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    body = created.json()
    key = body["api_key"]
    assert key.startswith(f"sk_{body['key_prefix']}_")
    listed = (await client.get("/api/clients", headers=admin)).json()
    assert "api_key" not in listed[0]  # shown once, kept hashed
    assert listed[0]["last_used_at"] is None

    me = (await client.get("/api/auth/me", headers={"X-API-Key": key})).json()
    assert (me["subject"], me["roles"]) == (f"client:{body['id']}", ["integration"])
    assert (await client.get("/api/clients", headers=admin)).json()[0]["last_used_at"] is not None
    problem(await client.get("/api/auth/me", headers={"X-API-Key": key + "x"}), 401, "invalid_api_key")
    problem(await client.get("/api/users", headers={"X-API-Key": key}), 403, "forbidden")

    revoked = await client.post(f"/api/clients/{body['id']}/revoke", headers={**admin, "If-Match": '"1"'})
    assert revoked.json()["revoked_at"] is not None
    problem(await client.get("/api/auth/me", headers={"X-API-Key": key}), 401, "invalid_api_key")
    problem(
        await client.post(f"/api/clients/{body['id']}/revoke", headers={**admin, "If-Match": '"2"'}),
        409,
        "client_revoked",
    )


async def test_browser_headers(platform: Platform) -> None:
    client = platform.gateway.client
    preflight = await client.options(
        "/api/auth/login",
        headers={"Origin": "http://127.0.0.1:5173", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:5173"
    stranger = await client.options(
        "/api/auth/login", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in stranger.headers
    answer = await client.get("/health/live")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"


def test_production_refuses_default_secrets(tmp_path: Any) -> None:
    key = tmp_path / "jwt-private.pem"
    key.write_text("not used")
    (tmp_path / "pub.pem").write_text("not used")  # production requires the key files to exist
    common: dict[str, Any] = {
        "environment": "production",
        "database_url": SecretStr("postgresql+asyncpg://u:strong@db/gw"),
        "jwt_public_key_file": tmp_path / "pub.pem",
    }
    with pytest.raises(ValidationError, match="first secretariat password is a default"):
        Settings(
            **common,
            jwt_private_key_file=key,
            first_secretariat_password=SecretStr(LOCAL_SECRETARIAT_PASSWORD),
        )
    with pytest.raises(ValidationError, match="SIRBI_JWT_PRIVATE_KEY_FILE"):
        Settings(**common)
