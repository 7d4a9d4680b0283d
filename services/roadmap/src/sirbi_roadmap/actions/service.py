"""Action use cases: each changes one action in one transaction, records who did it, and
publishes what happened (with the whole action) through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.access import ensure_coordinates, ensure_may_propose, ensure_reports_for
from sirbi_roadmap.actions import repository
from sirbi_roadmap.actions.events import (
    ActionBlocked,
    ActionCancelled,
    ActionCompleted,
    ActionEvent,
    ActionPlanned,
    ActionProposed,
    ActionReassigned,
    ActionStarted,
    ActionUnblocked,
    ActionUpdated,
    IndicatorUpdated,
    MilestoneReachedEvent,
    ProgressReported,
)
from sirbi_roadmap.actions.models import (
    Action,
    ActionStatus,
    Flag,
    IllegalTransition,
    Indicator,
    Milestone,
    Origin,
    ProgressUpdate,
)
from sirbi_roadmap.actions.schemas import (
    ActionDetails,
    ActionProposal,
    ActionPublic,
    IndicatorFields,
    IndicatorPublic,
    MilestoneFields,
    MilestonePublic,
    ProgressPublic,
    ProgressReport,
    Reassignment,
)
from sirbi_roadmap.roadmaps import repository as roadmaps
from sirbi_roadmap.streams import outbox
from sirbi_roadmap.working_groups import repository as working_groups
from sirbi_shared.auth import Principal
from sirbi_shared.calendar import today
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def publish(
    session: AsyncSession,
    action: Action,
    event: type[ActionEvent],
    verb: str,
    actor: str,
    *,
    new_version: bool = True,
    **details: Any,
) -> Action:
    """Give the action its next version, then record the change and its event."""
    if new_version:
        action.version += 1
        action.updated_at = datetime.now(UTC)
    await session.flush()
    public = ActionPublic.of(action, today())
    await publish_change(
        session,
        outbox,
        event(action=public, **details),
        aggregate_type="action",
        aggregate_id=str(action.id),
        version=action.version,
        action=verb,
        actor=actor,
        state=public,
    )
    return action


def _illegal(exc: IllegalTransition) -> ProblemError:
    return ProblemError(
        409,
        "illegal_status_transition",
        f"Cannot {exc.command} an action that is {exc.status}.",
        current_status=str(exc.status),
    )


async def _check_references(
    session: AsyncSession, line_id: uuid.UUID | None, group_id: uuid.UUID | None
) -> None:
    """Unknown line or group: 422 (they are references in the body, not the resource)."""
    try:
        if line_id is not None:
            await roadmaps.get_line(session, line_id)
        if group_id is not None:
            await working_groups.get(session, group_id)
    except ProblemError as exc:
        raise ProblemError(422, exc.code, exc.detail or "Unknown reference.") from exc


def _participants(lead: str, others: list[str]) -> list[str]:
    return [lead, *(c for c in others if c != lead)]


async def propose(session: AsyncSession, body: ActionProposal, principal: Principal) -> Action:
    ensure_may_propose(principal, body.lead_country, body.working_group_id)
    await _check_references(session, body.line_id, body.working_group_id)
    now = datetime.now(UTC)
    action = Action(
        id=uuid.uuid4(),
        title=body.title,
        description=body.description,
        line_id=body.line_id,
        working_group_id=body.working_group_id,
        lead_country=body.lead_country,
        participants=_participants(body.lead_country, body.participants),
        agreement_id=body.agreement_id,
        origin=Origin.PROPOSAL,
        start_date=body.start_date,
        due_date=body.due_date,
        status=ActionStatus.PROPOSED,
        priority=body.priority,
        flags=[] if body.working_group_id else [Flag.NEEDS_WORKING_GROUP.value],
        version=1,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
        progress=[],
        indicators=[_indicator(n, fields, now) for n, fields in enumerate(body.indicators, start=1)],
        milestones=[_milestone(n, fields) for n, fields in enumerate(body.milestones, start=1)],
    )
    session.add(action)
    return await publish(session, action, ActionProposed, "proposed", principal.subject, new_version=False)


_CENTS = Decimal("0.01")  # indicators are stored with two decimals; answers show them the same way


def _indicator(number: int, fields: IndicatorFields, now: datetime) -> Indicator:
    return Indicator(
        number=number,
        name=fields.name,
        unit=fields.unit,
        target=fields.target.quantize(_CENTS),
        current=Decimal(0).quantize(_CENTS),
        updated_at=now,
    )


def _milestone(number: int, fields: MilestoneFields) -> Milestone:
    return Milestone(number=number, title=fields.title, due_date=fields.due_date, reached_on=None)


async def _managed(
    session: AsyncSession, action_id: uuid.UUID, expected: int, principal: Principal
) -> Action:
    """The action, locked, for its group's coordinator (or the secretariat) at the version they read."""
    action = await repository.get(session, action_id, for_update=True)
    ensure_coordinates(principal, action.working_group_id)
    check_version(action.version, expected)
    return action


async def update(
    session: AsyncSession, action_id: uuid.UUID, body: ActionDetails, expected: int, principal: Principal
) -> Action:
    action = await _managed(session, action_id, expected, principal)
    if action.status not in {
        ActionStatus.PROPOSED,
        ActionStatus.PLANNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.BLOCKED,
    }:
        raise ProblemError(409, "action_closed", f"The action is {action.status}: it no longer changes.")
    await _check_references(session, body.line_id, None)
    action.title, action.description, action.line_id = body.title, body.description, body.line_id
    action.participants = _participants(action.lead_country, body.participants)
    action.start_date, action.due_date, action.priority = body.start_date, body.due_date, body.priority
    return await publish(session, action, ActionUpdated, "updated", principal.subject)


_MOVES: dict[str, tuple[Callable[[Action, str | None], None], type[ActionEvent]]] = {
    "plan": (lambda a, _: a.plan(), ActionPlanned),
    "start": (lambda a, _: a.start(), ActionStarted),
    "block": (lambda a, reason: a.block(reason or ""), ActionBlocked),
    "unblock": (lambda a, _: a.unblock(), ActionUnblocked),
    "complete": (lambda a, _: a.complete(), ActionCompleted),
    "cancel": (lambda a, reason: a.cancel(reason or ""), ActionCancelled),
}
COMMANDS = tuple(_MOVES)
PAST_TENSE = {
    "plan": "planned",
    "start": "started",
    "block": "blocked",
    "unblock": "unblocked",
    "complete": "completed",
    "cancel": "cancelled",
}


async def change_status(
    session: AsyncSession,
    action_id: uuid.UUID,
    command: str,
    expected: int,
    principal: Principal,
    reason: str | None = None,
) -> Action:
    """plan | start | block | unblock | complete | cancel, by the group's coordinator."""
    move, event = _MOVES[command]
    action = await _managed(session, action_id, expected, principal)
    if command == "plan" and action.working_group_id is None:
        raise ProblemError(
            409, "needs_working_group", "Assign the action to a working group before planning it."
        )
    try:
        move(action, reason)
    except IllegalTransition as exc:
        raise _illegal(exc) from exc
    return await publish(session, action, event, PAST_TENSE[command], principal.subject)


async def reassign(
    session: AsyncSession, action_id: uuid.UUID, body: Reassignment, expected: int, principal: Principal
) -> Action:
    """A new working group and/or lead country. The current group's coordinator hands it over;
    an action without a group is adopted by the coordinator of the group it goes to."""
    action = await repository.get(session, action_id, for_update=True)
    ensure_coordinates(principal, action.working_group_id or body.working_group_id)
    check_version(action.version, expected)
    if action.status not in {
        ActionStatus.PROPOSED,
        ActionStatus.PLANNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.BLOCKED,
    }:
        raise ProblemError(409, "action_closed", f"The action is {action.status}: it no longer changes.")
    await _check_references(session, None, body.working_group_id)
    if body.working_group_id is not None:
        action.working_group_id = body.working_group_id
        action.clear_flag(Flag.NEEDS_WORKING_GROUP)
    if body.lead_country is not None:
        action.lead_country = body.lead_country
        action.participants = _participants(body.lead_country, list(action.participants))
        action.clear_flag(Flag.NEEDS_NEW_LEAD)
    return await publish(session, action, ActionReassigned, "reassigned", principal.subject)


async def report_progress(
    session: AsyncSession, action_id: uuid.UUID, body: ProgressReport, expected: int, principal: Principal
) -> Action:
    action = await repository.get(session, action_id, for_update=True)
    ensure_reports_for(principal, action.working_group_id)
    check_version(action.version, expected)
    update_ = ProgressUpdate(
        number=len(action.progress) + 1,
        comment=body.comment,
        percent=body.percent,
        reported_by=principal.subject,
        reported_at=datetime.now(UTC),
    )
    action.progress.append(update_)
    return await publish(
        session,
        action,
        ProgressReported,
        "progress_reported",
        principal.subject,
        update=ProgressPublic.of(update_),
    )


async def define_indicator(
    session: AsyncSession, action_id: uuid.UUID, body: IndicatorFields, expected: int, principal: Principal
) -> Action:
    action = await _managed(session, action_id, expected, principal)
    if any(i.name.lower() == body.name.lower() for i in action.indicators):
        raise ProblemError(409, "indicator_exists", f"The action already measures {body.name!r}.")
    indicator = _indicator(len(action.indicators) + 1, body, datetime.now(UTC))
    action.indicators.append(indicator)
    return await publish(
        session,
        action,
        IndicatorUpdated,
        "indicator_updated",
        principal.subject,
        indicator=IndicatorPublic.of(indicator),
    )


async def measure(
    session: AsyncSession,
    action_id: uuid.UUID,
    number: int,
    current: Decimal,
    expected: int,
    principal: Principal,
) -> Action:
    """A new current value of an indicator: progress, so the group's members report it too."""
    action = await repository.get(session, action_id, for_update=True)
    ensure_reports_for(principal, action.working_group_id)
    check_version(action.version, expected)
    indicator = next((i for i in action.indicators if i.number == number), None)
    if indicator is None:
        raise ProblemError(404, "indicator_not_found", f"The action has no indicator {number}.")
    indicator.current, indicator.updated_at = current.quantize(_CENTS), datetime.now(UTC)
    return await publish(
        session,
        action,
        IndicatorUpdated,
        "indicator_updated",
        principal.subject,
        indicator=IndicatorPublic.of(indicator),
    )


async def add_milestone(
    session: AsyncSession, action_id: uuid.UUID, body: MilestoneFields, expected: int, principal: Principal
) -> Action:
    action = await _managed(session, action_id, expected, principal)
    action.milestones.append(_milestone(len(action.milestones) + 1, body))
    return await publish(session, action, ActionUpdated, "updated", principal.subject)


async def reach_milestone(
    session: AsyncSession,
    action_id: uuid.UUID,
    number: int,
    on: date | None,
    expected: int,
    principal: Principal,
) -> Action:
    action = await _managed(session, action_id, expected, principal)
    milestone = next((m for m in action.milestones if m.number == number), None)
    if milestone is None:
        raise ProblemError(404, "milestone_not_found", f"The action has no milestone {number}.")
    if milestone.reached_on is not None:
        raise ProblemError(
            409, "milestone_already_reached", f"Milestone {number} was reached on {milestone.reached_on}."
        )
    reached_on = on or today()
    if reached_on > today():
        raise ProblemError(422, "reached_in_future", "A milestone cannot be reached in the future.")
    milestone.reached_on = reached_on
    return await publish(
        session,
        action,
        MilestoneReachedEvent,
        "milestone_reached",
        principal.subject,
        milestone=MilestonePublic.of(milestone),
    )
