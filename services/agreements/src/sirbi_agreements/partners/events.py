"""Partner events on `sirbi.agreements.v1`; each carries the partner as it now is."""

from __future__ import annotations

from sirbi_agreements.partners.schemas import PartnerPublic
from sirbi_agreements.streams import stream
from sirbi_shared.events import EventPayload


class PartnerEvent(EventPayload):
    partner: PartnerPublic


@stream.event("partner", "registered")
class PartnerRegistered(PartnerEvent):
    """An external organisation was registered as a possible party to agreements."""


@stream.event("partner", "updated")
class PartnerUpdated(PartnerEvent):
    """A partner's name, kind, country or website changed."""
