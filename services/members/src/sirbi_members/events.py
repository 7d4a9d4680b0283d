"""The members event stream (topic `sirbi.members.v1`): every event it publishes is registered here."""

from __future__ import annotations

from sirbi_shared.events import EventStream

stream = EventStream("members")
