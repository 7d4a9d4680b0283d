"""The platform's calendar: dates of agreements and actions (start, end, due) are compared with
the UTC day, the same in every service and every replica."""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    return datetime.now(UTC).date()
