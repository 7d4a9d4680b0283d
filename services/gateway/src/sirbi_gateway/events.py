"""The catalogue of every event the gateway publishes (what `make docs` documents).

Importing this module registers each feature's payload models on the stream.
"""

from __future__ import annotations

from sirbi_gateway.identity import events as _identity_events
from sirbi_gateway.streams import stream
from sirbi_gateway.webhooks import events as _webhook_events

__all__ = ["stream"]
_registered = (_identity_events, _webhook_events)
