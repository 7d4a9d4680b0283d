"""Network events on `sirbi.members.v1`; each carries the network as it now is."""

from __future__ import annotations

from sirbi_members.networks.schemas import NetworkPublic
from sirbi_members.streams import members_stream
from sirbi_shared.events import EventPayload


class NetworkEvent(EventPayload):
    network: NetworkPublic


@members_stream.event("network", "registered")
class NetworkRegistered(NetworkEvent):
    """A member state's national library network (or system) was registered."""


@members_stream.event("network", "updated")
class NetworkUpdated(NetworkEvent):
    """A network's name, governing entity, website, kind or status changed."""
