"""The services a profile is composed from: the gateway's one pooled upstream client (the same
the proxy uses, see routing/upstreams.py), and a deadline for each part."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from fastapi import FastAPI

from sirbi_gateway.routing.upstreams import Upstreams
from sirbi_shared.service import Resource, ServiceRuntime


@dataclass(frozen=True)
class ServiceAddresses:
    members: str
    agreements: str
    roadmap: str


@dataclass(frozen=True)
class ProfileSources:
    client: aiohttp.ClientSession
    addresses: ServiceAddresses
    # Enforced around each call; the client's own timeouts only guard a connection that hangs.
    part_timeout_seconds: float


def profile_sources_resource(part_timeout_seconds: float) -> Resource:
    """Entered after the upstreams resource, whose client it shares."""

    @asynccontextmanager
    async def open_sources(app: FastAPI, _runtime: ServiceRuntime) -> AsyncIterator[None]:
        upstreams: Upstreams = app.state.upstreams
        app.state.profile_sources = ProfileSources(
            upstreams.client,
            ServiceAddresses(
                **{name: upstreams.base_urls[name] for name in ("members", "agreements", "roadmap")}
            ),
            part_timeout_seconds,
        )
        yield

    return open_sources
