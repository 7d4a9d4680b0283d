"""The agreements service's stream (topic `sirbi.agreements.v1`) and its outbox."""

from __future__ import annotations

from sirbi_shared.events import EventStream
from sirbi_shared.outbox import Outbox

stream = EventStream("agreements")
outbox = Outbox(stream)
