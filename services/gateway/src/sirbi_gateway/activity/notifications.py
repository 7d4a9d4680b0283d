"""Telling live streams that the feed grew.

One LISTEN connection per gateway process (not one per open stream) hears the consumer's
NOTIFY and rings a bell every waiting stream shares. A stream also looks again after a short
while on its own, so a lost notification only delays an event, never loses it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg

from sirbi_gateway.activity.models import NEW_ACTIVITY_CHANNEL
from sirbi_shared.backoff import Backoff, keep_running

log = logging.getLogger(__name__)

NOTIFIER_NAME = "activity-notifications"
# How often the listening connection proves it is still alive (a dead one is replaced).
_HEALTH_CHECK_SECONDS = 15.0


class ActivityNotifier:
    """A background worker of the gateway (ServiceDefinition.workers)."""

    name = NOTIFIER_NAME

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._rung = asyncio.Event()

    def next_ring(self) -> asyncio.Event:
        """The event set by the next notification. Take it *before* reading the feed, so a row
        filed between the read and the wait still wakes the reader."""
        return self._rung

    def ring(self, *_: Any) -> None:
        rung, self._rung = self._rung, asyncio.Event()
        rung.set()

    async def run(self) -> None:
        await keep_running(self._listen, what="activity notifications", log=log)

    async def _listen(self, backoff: Backoff) -> None:
        connection: asyncpg.Connection = await asyncpg.connect(
            self._dsn, timeout=10, server_settings={"application_name": "sirbi-gateway-activity-listen"}
        )
        try:
            await connection.add_listener(NEW_ACTIVITY_CHANNEL, self.ring)
            self.ring()  # whatever was filed while nobody listened
            backoff.reset()
            while True:
                await asyncio.sleep(_HEALTH_CHECK_SECONDS)
                await connection.fetchval("SELECT 1")
        finally:
            await connection.close(timeout=5)
