"""Partner use cases (the secretariat keeps the register)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.partners import repository
from sirbi_agreements.partners.events import PartnerEvent, PartnerRegistered, PartnerUpdated
from sirbi_agreements.partners.models import Partner
from sirbi_agreements.partners.schemas import PartnerFields, PartnerPublic
from sirbi_agreements.streams import outbox
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


def _name_conflict(name: str) -> ProblemError:
    return ProblemError(409, "partner_exists", f"A partner named {name!r} is already registered.")


async def _published(
    session: AsyncSession, partner: Partner, event: type[PartnerEvent], action: str, actor: str
) -> Partner:
    await session.flush()
    await session.refresh(partner)
    public = PartnerPublic.of(partner)
    await publish_change(
        session,
        outbox,
        event(partner=public),
        aggregate_type="partner",
        aggregate_id=str(partner.id),
        version=partner.version,
        action=action,
        actor=actor,
        state=public,
    )
    return partner


async def register(session: AsyncSession, fields: PartnerFields, actor: str) -> Partner:
    if await repository.name_taken(session, fields.name):
        raise _name_conflict(fields.name)
    partner = Partner(
        id=uuid.uuid4(),
        name=fields.name,
        kind=fields.kind,
        country=fields.country,
        website=str(fields.website) if fields.website else None,
        version=1,
    )
    session.add(partner)
    return await _published(session, partner, PartnerRegistered, "registered", actor)


async def update(
    session: AsyncSession, partner_id: uuid.UUID, fields: PartnerFields, expected: int, actor: str
) -> Partner:
    partner = await repository.get(session, partner_id, for_update=True)
    check_version(partner.version, expected)
    if await repository.name_taken(session, fields.name, other_than=partner.id):
        raise _name_conflict(fields.name)
    website = str(fields.website) if fields.website else None
    new = (fields.name, fields.kind, fields.country, website)
    if new == (partner.name, partner.kind, partner.country, partner.website):
        return partner  # nothing changed: no new version, no event
    partner.name, partner.kind, partner.country, partner.website = new
    partner.version += 1
    partner.updated_at = datetime.now(UTC)
    return await _published(session, partner, PartnerUpdated, "updated", actor)
