"""Working-group events on `sirbi.roadmap.v1`; each carries the group as it now is."""

from __future__ import annotations

from sirbi_roadmap.streams import stream
from sirbi_roadmap.working_groups.schemas import GroupMember, GroupPublic
from sirbi_shared.events import EventPayload


class GroupEvent(EventPayload):
    working_group: GroupPublic


@stream.event("working_group", "formed")
class GroupFormed(GroupEvent):
    """A working group was formed."""


@stream.event("working_group", "updated")
class GroupUpdated(GroupEvent):
    """A group's name, areas or coordinator changed."""


@stream.event("working_group", "member_joined")
class MemberJoined(GroupEvent):
    """A country or a person joined the group."""

    member: GroupMember


@stream.event("working_group", "member_left")
class MemberLeft(GroupEvent):
    """A country or a person left the group."""

    member: GroupMember
