"""Action events on `sirbi.roadmap.v1`; each carries the action as it now is."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from sirbi_roadmap.actions.schemas import ActionPublic, IndicatorPublic, MilestonePublic, ProgressPublic
from sirbi_roadmap.streams import stream
from sirbi_shared.events import EventPayload


class ActionEvent(EventPayload):
    action: ActionPublic


@stream.event("action", "proposed")
class ActionProposed(ActionEvent):
    """An action was proposed (by a person, or for an agreement that entered into force)."""


@stream.event("action", "updated")
class ActionUpdated(ActionEvent):
    """Its title, description, line, participants, dates, priority or milestones changed."""


@stream.event("action", "planned")
class ActionPlanned(ActionEvent):
    """The working group took it on."""


@stream.event("action", "started")
class ActionStarted(ActionEvent):
    """Work began."""


@stream.event("action", "blocked")
class ActionBlocked(ActionEvent):
    """Work cannot go on; `action.status_reason` says why."""


@stream.event("action", "unblocked")
class ActionUnblocked(ActionEvent):
    """Back where it was before being blocked."""


@stream.event("action", "completed")
class ActionCompleted(ActionEvent):
    """Done."""


@stream.event("action", "cancelled")
class ActionCancelled(ActionEvent):
    """Dropped; `action.status_reason` says why."""


@stream.event("action", "reassigned")
class ActionReassigned(ActionEvent):
    """Its working group or lead country changed."""


@stream.event("action", "progress_reported")
class ProgressReported(ActionEvent):
    """A new entry in its progress log."""

    update: ProgressPublic


@stream.event("action", "indicator_updated")
class IndicatorUpdated(ActionEvent):
    """An indicator was defined, or its current value changed."""

    indicator: IndicatorPublic


@stream.event("action", "milestone_reached")
class MilestoneReachedEvent(ActionEvent):
    """One of its milestones was reached."""

    milestone: MilestonePublic


@stream.event("action", "flagged")
class ActionFlagged(ActionEvent):
    """Something needs the group's attention: its agreement was terminated, its lead country
    withdrew, or no working group looks after its agreement's areas."""

    flag: str = Field(examples=["agreement_terminated"])


@stream.event("action", "participant_withdrawn")
class ParticipantWithdrawn(ActionEvent):
    """A participating country withdrew from the network and left the action."""

    country: str = Field(examples=["PE"])


@stream.event("action", "overdue")
class ActionOverdue(ActionEvent):
    """An open action passed its due date; announced once per due date."""

    due_date: date
