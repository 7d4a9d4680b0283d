"""The catalogue of every event the members service publishes (what `make docs` documents).

Importing this module registers each feature's payload models on the streams.
"""

from __future__ import annotations

from sirbi_members.libraries import events as _library_events
from sirbi_members.member_states import events as _member_state_events
from sirbi_members.networks import events as _network_events
from sirbi_members.representatives import events as _representative_events
from sirbi_members.streams import directory_stream, members_stream

stream = members_stream
__all__ = ["directory_stream", "members_stream", "stream"]
_registered = (_member_state_events, _library_events, _network_events, _representative_events)
