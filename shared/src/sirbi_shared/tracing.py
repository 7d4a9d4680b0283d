"""W3C trace context carried from HTTP requests into the events they cause."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_current: ContextVar[str | None] = ContextVar("sirbi_traceparent", default=None)


def current_traceparent() -> str | None:
    return _current.get()


def set_traceparent(value: str | None) -> None:
    _current.set(value)


def continue_or_start(header: str | None) -> str:
    """The incoming traceparent if it is valid, else a new trace; the span id is always ours."""
    if header and _TRACEPARENT.match(header.strip().lower()):
        trace_id, flags = header.strip().lower().split("-")[1], header.strip()[-2:]
    else:
        trace_id, flags = secrets.token_hex(16), "01"
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"
