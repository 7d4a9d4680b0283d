"""Reading and locking actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.actions.models import OPEN, Action, ActionStatus, Origin
from sirbi_shared.http.pagination import decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, action_id: uuid.UUID, *, for_update: bool = False) -> Action:
    statement = select(Action).where(Action.id == action_id)
    if for_update:
        statement = statement.with_for_update(of=Action)
    action = (await session.execute(statement)).scalar_one_or_none()
    if action is None:
        raise ProblemError(404, "action_not_found", f"No action {action_id}.", action_id=str(action_id))
    return action


async def lock_if_free(session: AsyncSession, action_id: uuid.UUID) -> Action | None:
    statement = select(Action).where(Action.id == action_id).with_for_update(of=Action, skip_locked=True)
    return (await session.execute(statement)).scalar_one_or_none()


@dataclass(frozen=True)
class ActionFilter:
    line: uuid.UUID | None = None
    group: uuid.UUID | None = None
    country: str | None = None  # leads or takes part
    status: ActionStatus | None = None
    overdue_on: date | None = None  # only actions overdue on this day
    agreement: uuid.UUID | None = None


def _filtered(filters: ActionFilter) -> Select[Action]:
    statement = select(Action)
    if filters.line is not None:
        statement = statement.where(Action.line_id == filters.line)
    if filters.group is not None:
        statement = statement.where(Action.working_group_id == filters.group)
    if filters.country is not None:
        statement = statement.where(
            or_(Action.lead_country == filters.country, Action.participants.contains([filters.country]))
        )
    if filters.status is not None:
        statement = statement.where(Action.status == filters.status)
    if filters.overdue_on is not None:
        statement = statement.where(Action.status.in_(OPEN), Action.due_date < filters.overdue_on)
    if filters.agreement is not None:
        statement = statement.where(Action.agreement_id == filters.agreement)
    return statement


def _invalid_cursor() -> ProblemError:
    return ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")


async def page(
    session: AsyncSession, filters: ActionFilter, cursor: str | None, limit: int
) -> tuple[list[Action], str | None]:
    """One page in creation order; the cursor carries the last (created_at, id)."""
    statement = _filtered(filters)
    after = decode_cursor(cursor, 2)
    if after is not None:
        try:
            created_at, action_id = datetime.fromisoformat(after[0]), uuid.UUID(after[1])
        except (TypeError, ValueError) as exc:
            raise _invalid_cursor() from exc
        statement = statement.where((Action.created_at, Action.id) > (created_at, action_id))  # type: ignore[operator]
    rows = list(
        (await session.execute(statement.order_by(Action.created_at, Action.id).limit(limit + 1))).scalars()
    )
    if len(rows) > limit:
        last = rows[limit - 1]
        return rows[:limit], encode_cursor([last.created_at.isoformat(), str(last.id)])
    return rows, None


async def of_group(session: AsyncSession, group_id: uuid.UUID) -> list[Action]:
    statement = (
        select(Action)
        .where(Action.working_group_id == group_id)
        .order_by(Action.due_date.asc().nulls_last(), Action.created_at)
    )
    return list((await session.execute(statement)).scalars())


async def implementing(session: AsyncSession, agreement_id: uuid.UUID) -> Action | None:
    statement = select(Action).where(Action.agreement_id == agreement_id, Action.origin == Origin.AGREEMENT)
    return (await session.execute(statement)).scalar_one_or_none()


async def ids_linked_to(session: AsyncSession, agreement_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(Action.id).where(Action.agreement_id == agreement_id, Action.status.in_(OPEN))
    return list((await session.execute(statement)).scalars())


async def ids_involving(session: AsyncSession, country: str) -> list[uuid.UUID]:
    statement = select(Action.id).where(
        Action.status.in_(OPEN),
        or_(Action.lead_country == country, Action.participants.contains([country])),
    )
    return list((await session.execute(statement)).scalars())


async def ids_overdue(session: AsyncSession, today: date) -> list[uuid.UUID]:
    statement = select(Action.id).where(
        Action.status.in_(OPEN),
        Action.due_date < today,
        Action.overdue_notice_for.is_distinct_from(Action.due_date),
    )
    return list((await session.execute(statement)).scalars())
