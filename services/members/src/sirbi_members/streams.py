"""The members service's two streams. Membership (`sirbi.members.v1`) and the library directory
(`sirbi.directory.v1`) are separate topics, so a country's bulk import never holds up membership
events for their consumers; each has its own relay lane."""

from __future__ import annotations

from sirbi_shared.events import EventStream
from sirbi_shared.outbox import Outbox

members_stream = EventStream("members")
directory_stream = EventStream("members", name="directory")

members_outbox = Outbox(members_stream)
directory_outbox = Outbox(directory_stream)
