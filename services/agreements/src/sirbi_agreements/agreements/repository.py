"""Reading and writing agreements."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementType,
    CooperationArea,
    PartyKind,
)
from sirbi_shared.http.pagination import decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError


def _not_found(agreement_id: uuid.UUID) -> ProblemError:
    return ProblemError(
        404, "agreement_not_found", f"No agreement {agreement_id}.", agreement_id=str(agreement_id)
    )


async def get(session: AsyncSession, agreement_id: uuid.UUID, *, for_update: bool = False) -> Agreement:
    statement = select(Agreement).where(Agreement.id == agreement_id)
    if for_update:
        statement = statement.with_for_update(of=Agreement)
    agreement = (await session.execute(statement)).scalar_one_or_none()
    if agreement is None:
        raise _not_found(agreement_id)
    return agreement


async def lock_if_free(session: AsyncSession, agreement_id: uuid.UUID) -> Agreement | None:
    """The agreement, locked; None if another transaction holds it (the scheduler comes back later)."""
    statement = (
        select(Agreement).where(Agreement.id == agreement_id).with_for_update(of=Agreement, skip_locked=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def code_taken(session: AsyncSession, code: str) -> bool:
    return (await session.execute(select(Agreement.id).where(Agreement.code == code))).first() is not None


@dataclass(frozen=True)
class AgreementFilter:
    party: str | None = None
    country: str | None = None
    area: CooperationArea | None = None
    status: AgreementStatus | None = None
    type: AgreementType | None = None
    expiring_before: date | None = None


def _filtered(filters: AgreementFilter) -> Select[Agreement]:
    statement = select(Agreement)
    if filters.party is not None:
        statement = statement.where(
            Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.ref == filters.party))
        )
    if filters.country is not None:
        statement = statement.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(AgreementParty.country == filters.country)
            )
        )
    if filters.area is not None:
        statement = statement.where(Agreement.areas.contains([filters.area.value]))
    if filters.status is not None:
        statement = statement.where(Agreement.status == filters.status)
    if filters.type is not None:
        statement = statement.where(Agreement.type == filters.type)
    if filters.expiring_before is not None:
        statement = statement.where(
            Agreement.end_date < filters.expiring_before,
            Agreement.status.in_(
                [AgreementStatus.SIGNED, AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED]
            ),
        )
    return statement


async def page(
    session: AsyncSession, filters: AgreementFilter, cursor: str | None, limit: int
) -> tuple[list[Agreement], str | None]:
    """One page ordered by code; the cursor carries the last code returned."""
    statement = _filtered(filters)
    after = decode_cursor(cursor, 1)
    if after is not None:
        if not isinstance(after[0], str):
            raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
        statement = statement.where(Agreement.code > after[0])
    rows = list((await session.execute(statement.order_by(Agreement.code).limit(limit + 1))).scalars())
    if len(rows) > limit:
        return rows[:limit], encode_cursor([rows[limit - 1].code])
    return rows, None


async def ids_involving_country(
    session: AsyncSession, country: str, statuses: Collection[AgreementStatus]
) -> list[uuid.UUID]:
    """Agreements in these statuses that the member state, or one of its networks, is party to."""
    statement = (
        select(Agreement.id)
        .join(AgreementParty, AgreementParty.agreement_id == Agreement.id)
        .where(
            AgreementParty.country == country,
            AgreementParty.kind.in_([PartyKind.MEMBER_STATE, PartyKind.NETWORK]),
            Agreement.status.in_(list(statuses)),
        )
        .distinct()
    )
    return list((await session.execute(statement)).scalars())


async def ids_due(session: AsyncSession, today: date, notice_until: date) -> list[uuid.UUID]:
    """Candidates for the scheduler: to bring into force, to end, or to announce as ending soon."""
    statement = (
        select(Agreement.id)
        .where(
            ((Agreement.status == AgreementStatus.SIGNED) & (Agreement.start_date <= today))
            | (
                Agreement.status.in_([AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED])
                & (Agreement.end_date <= today)
            )
            | (
                (Agreement.status == AgreementStatus.IN_FORCE)
                & (Agreement.end_date <= notice_until)
                & Agreement.expiry_notice_for.is_distinct_from(Agreement.end_date)
            )
        )
        .order_by(Agreement.code)
    )
    return list((await session.execute(statement)).scalars())
