"""Roadmap and strategic-line events on `sirbi.roadmap.v1`."""

from __future__ import annotations

from sirbi_roadmap.roadmaps.schemas import LinePublic, RoadmapPublic
from sirbi_roadmap.streams import stream
from sirbi_shared.events import EventPayload


class RoadmapEvent(EventPayload):
    roadmap: RoadmapPublic


@stream.event("roadmap", "created")
class RoadmapCreated(RoadmapEvent):
    """A regional roadmap was adopted."""


@stream.event("roadmap", "updated")
class RoadmapUpdated(RoadmapEvent):
    """A roadmap's title, description or period changed."""


class LineEvent(EventPayload):
    line: LinePublic


@stream.event("line", "created")
class LineCreated(LineEvent):
    """A strategic line was added to a roadmap."""


@stream.event("line", "updated")
class LineUpdated(LineEvent):
    """A strategic line's code, title or description changed."""
