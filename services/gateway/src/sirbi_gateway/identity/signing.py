"""The gateway's signing key: it mints the access tokens every service verifies (ADR 0005)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from sirbi_gateway.identity.service import TokenPolicy
from sirbi_gateway.settings import Settings
from sirbi_shared.auth import TokenIssuer
from sirbi_shared.service import Resource, ServiceRuntime


def signing_resource(settings: Settings) -> Resource:
    @asynccontextmanager
    async def load_signing_key(app: FastAPI, _runtime: ServiceRuntime) -> AsyncIterator[None]:
        app.state.docs_dir = settings.docs_dir
        # A policy set before start-up (tests sign with their own issuer) is kept.
        if getattr(app.state, "token_policy", None) is None:
            key = settings.jwt_private_key_file
            if key is not None and key.exists():
                issuer = TokenIssuer(
                    key.read_bytes(),
                    issuer=settings.jwt_issuer,
                    audience=settings.jwt_audience,
                    lifetime=timedelta(minutes=settings.access_token_minutes),
                )
                app.state.token_policy = TokenPolicy(issuer, timedelta(days=settings.refresh_token_days))
                app.state.token_verifier = issuer.verifier()  # the gateway checks the tokens it signs
            else:
                app.state.token_policy = None  # sign-in answers 503 `signing_not_configured`
        yield

    return load_signing_key
