"""What the roadmap does when other services' facts change (called by the event consumer, in
the transaction of the event's inbox row, so a redelivered event has no second effect)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.actions import repository
from sirbi_roadmap.actions.events import ActionFlagged, ActionProposed, ParticipantWithdrawn
from sirbi_roadmap.actions.models import Action, ActionStatus, Flag, Origin, Priority
from sirbi_roadmap.actions.service import publish
from sirbi_roadmap.working_groups import repository as working_groups
from sirbi_shared.changes import SYSTEM_ACTOR


@dataclass(frozen=True)
class AgreementInForce:
    id: uuid.UUID
    code: str
    title: str
    objectives: str
    areas: list[str]
    countries: list[str]  # of its member-state and network parties, in the agreement's order
    start_date: date
    end_date: date | None


async def propose_for_agreement(session: AsyncSession, agreement: AgreementInForce) -> Action | None:
    """An agreement entered into force: propose its implementation action to the working group
    that looks after its first cooperation area any group covers. None if it already has one."""
    if await repository.implementing(session, agreement.id) is not None:
        return None
    group_id = await working_groups.looking_after(session, agreement.areas)
    # An agreement between partners only has no country to lead it: "XX" (ISO's user-assigned
    # code) stands in until the group picks one, and the action is flagged for it.
    lead = agreement.countries[0] if agreement.countries else "XX"
    flags = [] if group_id else [Flag.NEEDS_WORKING_GROUP.value]
    if not agreement.countries:
        flags.append(Flag.NEEDS_NEW_LEAD.value)
    now = datetime.now(UTC)
    action = Action(
        id=uuid.uuid4(),
        title=f"Implementación del convenio {agreement.code}: {agreement.title}"[:300],
        description=agreement.objectives,
        line_id=None,
        working_group_id=group_id,
        lead_country=lead,
        participants=list(dict.fromkeys(agreement.countries)) or [lead],
        agreement_id=agreement.id,
        origin=Origin.AGREEMENT,
        start_date=agreement.start_date,
        due_date=agreement.end_date or agreement.start_date + timedelta(days=365),
        status=ActionStatus.PROPOSED,
        priority=Priority.MEDIUM,
        flags=flags,
        version=1,
        created_by=SYSTEM_ACTOR,
        created_at=now,
        updated_at=now,
        progress=[],
        indicators=[],
        milestones=[],
    )
    session.add(action)
    return await publish(session, action, ActionProposed, "proposed", SYSTEM_ACTOR, new_version=False)


async def agreement_terminated(session: AsyncSession, agreement_id: uuid.UUID) -> int:
    """Flag every open action linked to the agreement; returns how many were flagged."""
    flagged = 0
    for action_id in await repository.ids_linked_to(session, agreement_id):
        action = await repository.get(session, action_id, for_update=True)
        if action.flag(Flag.AGREEMENT_TERMINATED):
            await publish(
                session, action, ActionFlagged, "flagged", SYSTEM_ACTOR, flag=Flag.AGREEMENT_TERMINATED.value
            )
            flagged += 1
    return flagged


async def member_withdrew(session: AsyncSession, country: str) -> int:
    """The country leaves every open action's participants; actions it led are flagged for a new
    lead (the lead stays recorded until the group reassigns it). Returns the actions changed."""
    changed = 0
    for action_id in await repository.ids_involving(session, country):
        action = await repository.get(session, action_id, for_update=True)
        if country in action.participants:
            action.participants = [c for c in action.participants if c != country]
        if action.lead_country == country:
            if not action.flag(Flag.NEEDS_NEW_LEAD):
                continue
            await publish(
                session, action, ActionFlagged, "flagged", SYSTEM_ACTOR, flag=Flag.NEEDS_NEW_LEAD.value
            )
        else:
            await publish(
                session, action, ParticipantWithdrawn, "participant_withdrawn", SYSTEM_ACTOR, country=country
            )
        changed += 1
    return changed
