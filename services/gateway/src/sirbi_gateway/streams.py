"""The gateway's own stream (topic `sirbi.gateway.v1`): changes to users, integration clients and
webhook subscriptions. Personal data (emails, names) stays out of it, as in ADR 0008."""

from __future__ import annotations

from sirbi_shared.events import EventStream
from sirbi_shared.outbox import Outbox

stream = EventStream("gateway")
outbox = Outbox(stream)
