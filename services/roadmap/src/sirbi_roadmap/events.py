"""The roadmap event stream (topic `sirbi.roadmap.v1`): every event it publishes is registered here."""

from __future__ import annotations

from sirbi_shared.events import EventStream

stream = EventStream("roadmap")
