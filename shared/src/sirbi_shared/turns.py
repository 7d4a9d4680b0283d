"""Long loops that take turns with the rest of the event loop.

A service runs its HTTP requests, outbox relays, consumers and bulk jobs on one event loop. A
loop over thousands of rows that never awaits holds all of them up: a member-state suspension
waited hundreds of milliseconds behind a directory import until bulk loops took turns.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

# About a millisecond or two of per-row Python work between turns.
TURN_ITEMS = 100


async def in_turns(items: Iterable[T], every: int = TURN_ITEMS) -> AsyncIterator[T]:
    """Iterate `items`, letting other tasks run after every `every` of them."""
    for index, item in enumerate(items, start=1):
        yield item
        if index % every == 0:
            await asyncio.sleep(0)
