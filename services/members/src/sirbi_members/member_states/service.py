"""Member-state use cases: each changes one member state, records who did it, and publishes why."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.member_states import repository
from sirbi_members.member_states.events import (
    MemberStateAdmitted,
    MemberStateEvent,
    MemberStateRegistered,
    MemberStateReinstated,
    MemberStateSuspended,
    MemberStateUpdated,
    MemberStateWithdrawn,
)
from sirbi_members.member_states.models import IllegalTransition, MemberState, MemberStatus
from sirbi_members.member_states.schemas import LocalizedName, MemberStatePublic
from sirbi_members.streams import members_outbox
from sirbi_shared.changes import publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def _published(
    session: AsyncSession, state: MemberState, event: type[MemberStateEvent], action: str, actor: str
) -> MemberState:
    await session.flush()
    public = MemberStatePublic.of(state)
    await publish_change(
        session,
        members_outbox,
        event(member_state=public),
        aggregate_type="member_state",
        aggregate_id=state.code,
        version=state.version,
        action=action,
        actor=actor,
        state=public,
    )
    return state


async def register(session: AsyncSession, code: str, names: LocalizedName, actor: str) -> MemberState:
    if await repository.exists(session, code):
        raise ProblemError(
            409, "member_state_exists", f"Member state {code} is already registered.", member_state=code
        )
    state = MemberState(
        code=code,
        name_es=names.es,
        name_pt=names.pt,
        name_en=names.en,
        status=MemberStatus.CANDIDATE,
        version=1,
        updated_at=datetime.now(UTC),
    )
    session.add(state)
    return await _published(session, state, MemberStateRegistered, "registered", actor)


async def rename(
    session: AsyncSession, code: str, names: LocalizedName, expected: int, actor: str
) -> MemberState:
    state = await repository.get(session, code, for_update=True)
    check_version(state.version, expected)
    state.rename(names.es, names.pt, names.en)
    return await _published(session, state, MemberStateUpdated, "updated", actor)


async def change_status(
    session: AsyncSession, code: str, command: str, expected: int, actor: str, reason: str | None = None
) -> MemberState:
    """admit | suspend | reinstate | withdraw; an illegal move is a 409 and changes nothing."""
    state = await repository.get(session, code, for_update=True)
    check_version(state.version, expected)
    try:
        if command == "admit":
            state.admit(datetime.now(UTC).date())
            event: type[MemberStateEvent] = MemberStateAdmitted
        elif command == "suspend":
            state.suspend(reason or "")
            event = MemberStateSuspended
        elif command == "reinstate":
            state.reinstate()
            event = MemberStateReinstated
        else:
            state.withdraw(reason or "")
            event = MemberStateWithdrawn
    except IllegalTransition as exc:
        raise ProblemError(
            409,
            "illegal_status_transition",
            f"Cannot {exc.command} {state.code}: it is {exc.status}.",
            current_status=str(exc.status),
        ) from exc
    return await _published(session, state, event, command if command != "admit" else "admitted", actor)
