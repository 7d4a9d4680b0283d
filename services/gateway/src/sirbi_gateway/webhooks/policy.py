"""When a failed delivery is tried again, when it is given up, and when a subscription whose
endpoint keeps failing is disabled (ADR 0013)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class DeliveryPolicy:
    retry_initial_seconds: float = 5.0
    retry_factor: float = 2.0
    retry_max_seconds: float = 3600.0
    # A delivery still failing this long after its first attempt is marked failed.
    give_up_after_seconds: float = 24 * 3600.0
    # A subscription is disabled after this many failed attempts in a row spanning at least this long.
    disable_after_failures: int = 30
    disable_after_seconds: float = 24 * 3600.0
    # How long one attempt may hold its delivery before another dispatcher may try it again.
    lease_seconds: float = 60.0

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: exponential, capped, with jitter."""
        ceiling = min(
            self.retry_max_seconds, self.retry_initial_seconds * self.retry_factor ** (attempts - 1)
        )
        # Jitter spreads the retries of many deliveries that failed together (one outage).
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not for security

    @property
    def give_up_after(self) -> timedelta:
        return timedelta(seconds=self.give_up_after_seconds)

    @property
    def disable_after(self) -> timedelta:
        return timedelta(seconds=self.disable_after_seconds)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)
