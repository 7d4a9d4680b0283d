"""Member states in the database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.member_states.models import MemberState, MemberStatus
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, code: str, *, for_update: bool = False) -> MemberState:
    statement = select(MemberState).where(MemberState.code == code.upper())
    if for_update:
        statement = statement.with_for_update()  # the version check and the change are atomic
    state = (await session.execute(statement)).scalar_one_or_none()
    if state is None:
        raise ProblemError(
            404, "member_state_not_found", f"No member state {code.upper()!r}.", member_state=code.upper()
        )
    return state


async def exists(session: AsyncSession, code: str) -> bool:
    return (
        await session.execute(select(MemberState.code).where(MemberState.code == code))
    ).first() is not None


async def list_all(session: AsyncSession, status: MemberStatus | None) -> Sequence[MemberState]:
    statement = select(MemberState).order_by(MemberState.code)
    if status is not None:
        statement = statement.where(MemberState.status == status)
    return (await session.execute(statement)).scalars().all()
