"""Representative events on `sirbi.members.v1`; each carries the representative as it now is,
without contact data: personal data stays out of the event log (systems that need a contact ask
the API, signed in)."""

from __future__ import annotations

from sirbi_members.representatives.schemas import RepresentativePublic
from sirbi_members.streams import members_stream
from sirbi_shared.events import EventPayload


class RepresentativeEvent(EventPayload):
    representative: RepresentativePublic


@members_stream.event("representative", "appointed")
class RepresentativeAppointed(RepresentativeEvent):
    """A member state appointed a focal point or an alternate."""


@members_stream.event("representative", "updated")
class RepresentativeUpdated(RepresentativeEvent):
    """A representative's position, entity, network, role or contact data changed."""


@members_stream.event("representative", "ended")
class RepresentativeEnded(RepresentativeEvent):
    """A representative's appointment ended on `representative.ended_on`."""
