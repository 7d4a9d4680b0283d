"""Working-group use cases: the secretariat forms and describes groups; the secretariat and the
group's coordinator manage who is in it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.access import ensure_coordinates
from sirbi_roadmap.streams import outbox
from sirbi_roadmap.working_groups import repository
from sirbi_roadmap.working_groups.events import (
    GroupEvent,
    GroupFormed,
    GroupUpdated,
    MemberJoined,
    MemberLeft,
)
from sirbi_roadmap.working_groups.models import GroupCountry, GroupPerson, WorkingGroup
from sirbi_roadmap.working_groups.schemas import (
    CountryJoining,
    GroupFields,
    GroupMember,
    GroupPublic,
    MemberKind,
    PersonJoining,
)
from sirbi_shared.auth import Principal
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def _published(
    session: AsyncSession,
    group: WorkingGroup,
    event: Callable[[GroupPublic], GroupEvent],
    action: str,
    actor: str,
    *,
    new_version: bool = True,
) -> WorkingGroup:
    """Give the group its next version, then record the change and its event (made from the
    group's new public state)."""
    if new_version:
        group.version += 1
        group.updated_at = datetime.now(UTC)
    await session.flush()
    public = GroupPublic.of(group)
    await publish_change(
        session,
        outbox,
        event(public),
        aggregate_type="working_group",
        aggregate_id=str(group.id),
        version=group.version,
        action=action,
        actor=actor,
        state=public,
    )
    return group


def _describe(group: WorkingGroup, fields: GroupFields) -> None:
    group.name = fields.name
    group.areas = [a.value for a in fields.areas]
    group.coordinator_name = fields.coordinator.name
    group.coordinator_country = fields.coordinator.country
    group.coordinator_subject = fields.coordinator.subject


async def form(session: AsyncSession, fields: GroupFields, actor: str) -> WorkingGroup:
    if await repository.name_taken(session, fields.name):
        raise ProblemError(409, "working_group_exists", f"A working group named {fields.name!r} exists.")
    now = datetime.now(UTC)
    group = WorkingGroup(id=uuid.uuid4(), version=1, created_at=now, updated_at=now, countries=[], people=[])
    _describe(group, fields)
    session.add(group)
    return await _published(
        session, group, lambda g: GroupFormed(working_group=g), "formed", actor, new_version=False
    )


async def describe(
    session: AsyncSession, group_id: uuid.UUID, fields: GroupFields, expected: int, actor: str
) -> WorkingGroup:
    group = await repository.get(session, group_id, for_update=True)
    check_version(group.version, expected)
    if await repository.name_taken(session, fields.name, other_than=group.id):
        raise ProblemError(409, "working_group_exists", f"A working group named {fields.name!r} exists.")
    _describe(group, fields)
    return await _published(session, group, lambda g: GroupUpdated(working_group=g), "updated", actor)


async def _coordinated(
    session: AsyncSession, group_id: uuid.UUID, expected: int, principal: Principal
) -> WorkingGroup:
    """The group, locked, for its coordinator (or the secretariat) at the version they read."""
    group = await repository.get(session, group_id, for_update=True)
    ensure_coordinates(principal, group.id)
    check_version(group.version, expected)
    return group


async def country_joins(
    session: AsyncSession, group_id: uuid.UUID, joining: CountryJoining, expected: int, principal: Principal
) -> WorkingGroup:
    group = await _coordinated(session, group_id, expected, principal)
    actor = principal.subject
    if any(c.country == joining.country for c in group.countries):
        raise ProblemError(409, "already_a_member", f"{joining.country} is already in the group.")
    group.countries.append(GroupCountry(country=joining.country, joined_on=datetime.now(UTC).date()))
    member = GroupMember(kind=MemberKind.COUNTRY, country=joining.country)
    return await _published(
        session, group, lambda g: MemberJoined(working_group=g, member=member), "member_joined", actor
    )


async def country_leaves(
    session: AsyncSession, group_id: uuid.UUID, country: str, expected: int, principal: Principal
) -> WorkingGroup:
    group = await _coordinated(session, group_id, expected, principal)
    actor = principal.subject
    leaving = next((c for c in group.countries if c.country == country.upper()), None)
    if leaving is None:
        raise ProblemError(404, "not_a_member", f"{country.upper()} is not in the group.")
    group.countries.remove(leaving)
    member = GroupMember(kind=MemberKind.COUNTRY, country=leaving.country)
    return await _published(
        session, group, lambda g: MemberLeft(working_group=g, member=member), "member_left", actor
    )


async def person_joins(
    session: AsyncSession, group_id: uuid.UUID, joining: PersonJoining, expected: int, principal: Principal
) -> WorkingGroup:
    group = await _coordinated(session, group_id, expected, principal)
    actor = principal.subject
    if joining.subject and any(p.subject == joining.subject for p in group.people):
        raise ProblemError(409, "already_a_member", f"{joining.subject} is already in the group.")
    person = GroupPerson(
        id=uuid.uuid4(),
        name=joining.name,
        country=joining.country,
        subject=joining.subject,
        joined_on=datetime.now(UTC).date(),
    )
    group.people.append(person)
    member = GroupMember(
        kind=MemberKind.PERSON, country=person.country, person_id=person.id, name=person.name
    )
    return await _published(
        session, group, lambda g: MemberJoined(working_group=g, member=member), "member_joined", actor
    )


async def person_leaves(
    session: AsyncSession, group_id: uuid.UUID, person_id: uuid.UUID, expected: int, principal: Principal
) -> WorkingGroup:
    group = await _coordinated(session, group_id, expected, principal)
    actor = principal.subject
    leaving = next((p for p in group.people if p.id == person_id), None)
    if leaving is None:
        raise ProblemError(404, "not_a_member", f"No person {person_id} in the group.")
    group.people.remove(leaving)
    member = GroupMember(
        kind=MemberKind.PERSON, country=leaving.country, person_id=leaving.id, name=leaving.name
    )
    return await _published(
        session, group, lambda g: MemberLeft(working_group=g, member=member), "member_left", actor
    )
