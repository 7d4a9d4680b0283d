"""The gateway's stream (topic `sirbi.gateway.v1`) and its outbox."""

from __future__ import annotations

from sirbi_shared.events import EventStream
from sirbi_shared.outbox import Outbox

stream = EventStream("gateway")
outbox = Outbox(stream)
