"""Membership events on `sirbi.members.v1`; each carries the member state as it now is."""

from __future__ import annotations

from sirbi_members.member_states.schemas import MemberStatePublic
from sirbi_members.streams import members_stream
from sirbi_shared.events import EventPayload


class MemberStateEvent(EventPayload):
    member_state: MemberStatePublic


@members_stream.event("memberstate", "registered")
class MemberStateRegistered(MemberStateEvent):
    """A country was registered as a candidate member."""


@members_stream.event("memberstate", "admitted")
class MemberStateAdmitted(MemberStateEvent):
    """A candidate became an active member."""


@members_stream.event("memberstate", "suspended")
class MemberStateSuspended(MemberStateEvent):
    """An active member was suspended; `member_state.status_reason` says why."""


@members_stream.event("memberstate", "reinstated")
class MemberStateReinstated(MemberStateEvent):
    """A suspended member is active again."""


@members_stream.event("memberstate", "withdrawn")
class MemberStateWithdrawn(MemberStateEvent):
    """A member left the network; `member_state.status_reason` says why."""


@members_stream.event("memberstate", "updated")
class MemberStateUpdated(MemberStateEvent):
    """A member state's names changed."""
