"""Representative use cases: each changes one representative of the caller's country (the
secretariat: any), records who did it, and publishes the representative without contact data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.access import ensure_country_scope
from sirbi_members.member_states import repository as member_states
from sirbi_members.networks import repository as networks
from sirbi_members.representatives import repository
from sirbi_members.representatives.events import (
    RepresentativeAppointed,
    RepresentativeEnded,
    RepresentativeEvent,
    RepresentativeUpdated,
)
from sirbi_members.representatives.models import AlreadyEnded, EndedBeforeAppointed, Representative
from sirbi_members.representatives.schemas import (
    RepresentativeAppointment,
    RepresentativeChanges,
    RepresentativePublic,
)
from sirbi_members.streams import members_outbox
from sirbi_shared.auth import Principal
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def _published(
    session: AsyncSession,
    representative: Representative,
    event: type[RepresentativeEvent],
    action: str,
    by: Principal,
) -> Representative:
    await session.flush()
    # The history is readable by anyone, so like the event it holds no contact data.
    public = RepresentativePublic.of(representative)
    await publish_change(
        session,
        members_outbox,
        event(representative=public),
        aggregate_type="representative",
        aggregate_id=str(representative.id),
        version=representative.version,
        action=action,
        actor=by.subject,
        state=public,
    )
    return representative


async def _ensure_network_in_country(session: AsyncSession, network_id: uuid.UUID, country: str) -> None:
    if await networks.country_of(session, network_id) != country:
        raise ProblemError(
            422,
            "network_not_in_country",
            f"{country} has no network {network_id}.",
            network=str(network_id),
            country=country,
        )


async def appoint(session: AsyncSession, details: RepresentativeAppointment, by: Principal) -> Representative:
    ensure_country_scope(by, details.country)
    if not await member_states.exists(session, details.country):
        raise ProblemError(
            422,
            "unknown_member_state",
            f"{details.country} is not a registered member state.",
            member_state=details.country,
        )
    if details.network_id is not None:
        await _ensure_network_in_country(session, details.network_id, details.country)
    now = datetime.now(UTC)
    representative = Representative(
        id=uuid.uuid4(),
        country=details.country,
        name=details.name,
        position=details.position,
        entity=details.entity,
        network_id=details.network_id,
        role=details.role,
        email=details.email,
        phone=details.phone,
        appointed_on=details.appointed_on,
        ended_on=None,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(representative)
    return await _published(session, representative, RepresentativeAppointed, "appointed", by)


async def revise(
    session: AsyncSession,
    representative_id: uuid.UUID,
    changes: RepresentativeChanges,
    expected: int,
    by: Principal,
) -> Representative:
    representative = await repository.get(session, representative_id, for_update=True)
    ensure_country_scope(by, representative.country)
    check_version(representative.version, expected)
    fields = changes.model_dump(exclude_unset=True)
    if fields.get("network_id") is not None:
        await _ensure_network_in_country(session, fields["network_id"], representative.country)
    for field, value in fields.items():
        setattr(representative, field, value)
    representative.touch()
    return await _published(session, representative, RepresentativeUpdated, "updated", by)


async def end(
    session: AsyncSession, representative_id: uuid.UUID, ended_on: date, expected: int, by: Principal
) -> Representative:
    representative = await repository.get(session, representative_id, for_update=True)
    ensure_country_scope(by, representative.country)
    check_version(representative.version, expected)
    try:
        representative.end(ended_on)
    except AlreadyEnded as exc:
        raise ProblemError(
            409,
            "representative_already_ended",
            f"This appointment already ended on {exc.ended_on}.",
            ended_on=exc.ended_on.isoformat(),
        ) from exc
    except EndedBeforeAppointed as exc:
        raise ProblemError(
            422,
            "ended_before_appointed",
            f"An appointment that began on {exc.appointed_on} cannot end on {exc.ended_on}.",
            appointed_on=exc.appointed_on.isoformat(),
        ) from exc
    return await _published(session, representative, RepresentativeEnded, "ended", by)
