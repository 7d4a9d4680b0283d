"""Exponential back-off with full jitter, for reconnect and retry loops."""

from __future__ import annotations

import random
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
