"""The services behind the gateway and the pooled HTTP client that reaches them.

aiohttp rather than httpx for this hop: its parser and connection pool are written in C, and on
the gateway's hot path the pure-Python client cost more than the rest of the gateway together
(ADR 0014, docs/performance.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from fastapi import FastAPI

from sirbi_gateway.settings import Settings
from sirbi_shared.service import Resource, ServiceRuntime

# Connecting is quick or the service is down: fail fast. Reading waits longer (a CSV export
# streams for minutes, but never sits silent for 30 s between chunks).
TIMEOUTS = aiohttp.ClientTimeout(total=None, connect=2.0, sock_read=30.0)


@dataclass(frozen=True)
class Upstreams:
    client: aiohttp.ClientSession
    base_urls: dict[str, str]  # service name → base URL


def upstreams_resource(settings: Settings) -> Resource:
    @asynccontextmanager
    async def open_upstreams(app: FastAPI, _runtime: ServiceRuntime) -> AsyncIterator[None]:
        # Idle connections are let go before the services (uvicorn: 5 s) close them under us.
        connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=4)
        client = aiohttp.ClientSession(
            connector=connector,
            timeout=TIMEOUTS,
            # Bodies pass through as they are: a compressed answer stays compressed, with its
            # own Content-Encoding; the caller's headers are the ones that count.
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        async with client:
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
