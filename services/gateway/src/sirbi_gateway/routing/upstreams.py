"""The services behind the gateway and the pooled HTTP client that reaches them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from sirbi_gateway.settings import Settings
from sirbi_shared.service import Resource, ServiceRuntime

# Connecting is quick or the service is down: fail fast. Reading waits longer (a CSV export
# streams for minutes, but never sits silent for 30 s between chunks).
TIMEOUTS = httpx.Timeout(connect=2.0, read=30.0, write=60.0, pool=5.0)
LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50, keepalive_expiry=30)


@dataclass(frozen=True)
class Upstreams:
    client: httpx.AsyncClient
    base_urls: dict[str, str]  # service name → base URL


def upstreams_resource(settings: Settings) -> Resource:
    @asynccontextmanager
    async def open_upstreams(app: FastAPI, _runtime: ServiceRuntime) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=TIMEOUTS, limits=LIMITS, follow_redirects=False) as client:
            app.state.upstreams = Upstreams(
                client,
                {
                    "members": settings.members_url.rstrip("/"),
                    "agreements": settings.agreements_url.rstrip("/"),
                    "roadmap": settings.roadmap_url.rstrip("/"),
                },
            )
            yield

    return open_upstreams
