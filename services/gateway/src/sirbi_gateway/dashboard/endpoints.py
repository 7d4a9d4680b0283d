"""The regional dashboard: figures from the gateway's own replica, never a call to a service."""

from __future__ import annotations

from fastapi import APIRouter

from sirbi_gateway.activity import repository as activity
from sirbi_gateway.dashboard import replicas
from sirbi_gateway.dashboard.schemas import Dashboard, Figures, LibraryFigures
from sirbi_gateway.identity.access import Caller
from sirbi_shared.db import SessionDep
from sirbi_shared.http.problems import problem_docs

router = APIRouter(prefix="/api/dashboard", tags=["dashboard"])


@router.get(
    "",
    operation_id="regional_dashboard",
    summary="Regional figures: member states, networks, libraries, agreements, actions by status",
    responses=problem_docs({401: "Not signed in"}),
)
async def regional_dashboard(session: SessionDep, caller: Caller) -> Dashboard:
    # The position first: the counts then include at least everything filed up to it (a feed row
    # and its replica change commit together).
    as_of = await activity.last_position(session)
    counts = await replicas.count(session)
    libraries = counts.by_status.get("library", {})
    return Dashboard(
        member_states=Figures.of(counts.by_status.get("memberstate", {})),
        networks=Figures.of(counts.by_status.get("network", {})),
        libraries=LibraryFigures(
            total=sum(libraries.values()),
            by_status=dict(sorted(libraries.items())),
            by_type=dict(sorted(counts.libraries_by_type.items())),
            by_country=dict(sorted(counts.libraries_by_country.items())),
        ),
        agreements=Figures.of(counts.by_status.get("agreement", {})),
        actions=Figures.of(counts.by_status.get("action", {})),
        working_groups=Figures.of(counts.by_status.get("working_group", {})),
        as_of=as_of,
    )
