"""Exponential back-off with jitter, and the reconnect loop of the long-running workers."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Backoff:
    initial: float = 0.1
    maximum: float = 5.0
    attempt: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * (2**self.attempt))
        self.attempt += 1
        # Jitter keeps many replicas from retrying in lock-step after a shared outage.
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - not for security

    def reset(self) -> None:
        self.attempt = 0


async def keep_running(
    session: Callable[[Backoff], Awaitable[None]],
    *,
    what: str,
    log: logging.Logger,
    on_failure: Callable[[Exception], None] | None = None,
) -> None:
    """Run `session` again and again until cancelled, backing off after each failure.

    `session` connects, works until something breaks, and raises; it resets the back-off it is
    given once it is doing useful work again.
    """
    backoff = Backoff(initial=0.2, maximum=5.0)
    while True:
        try:
            await session(backoff)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if on_failure is not None:
                on_failure(exc)
            delay = backoff.next_delay()
            log.warning(
                f"{what} interrupted; retrying", extra={"error": repr(exc), "retry_in_s": round(delay, 2)}
            )
            await asyncio.sleep(delay)
