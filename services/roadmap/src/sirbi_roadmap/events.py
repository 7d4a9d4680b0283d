"""The catalogue of every event the roadmap service publishes (what `make docs` documents).

Importing this module registers each feature's payload models on the stream.
"""

from __future__ import annotations

from sirbi_roadmap.actions import events as _action_events
from sirbi_roadmap.roadmaps import events as _roadmap_events
from sirbi_roadmap.streams import stream
from sirbi_roadmap.working_groups import events as _group_events

__all__ = ["stream"]
_registered = (_roadmap_events, _group_events, _action_events)
