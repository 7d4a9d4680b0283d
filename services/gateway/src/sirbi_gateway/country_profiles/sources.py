"""The services a profile is composed from, reached over one pooled HTTP client.

The client lives as long as the app: it is a background worker (ServiceDefinition.workers)
whose run only waits, and closes the pool when the app stops.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

SOURCES_NAME = "profile-sources"


@dataclass(frozen=True)
class ServiceAddresses:
    members: str
    agreements: str
    roadmap: str


class ProfileSources:
    name = SOURCES_NAME

    def __init__(self, addresses: ServiceAddresses, part_timeout_seconds: float) -> None:
        self.addresses = addresses
        self.part_timeout_seconds = part_timeout_seconds
        # The per-part deadline is enforced around each call; the client's own timeouts only
        # guard against a connection that hangs past it.
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(part_timeout_seconds * 2),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def run(self) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await self.client.aclose()
