"""A country's profile in one call, for any signed-in caller."""

from __future__ import annotations

from typing import Annotated

from asgi_correlation_id import correlation_id
from fastapi import APIRouter, Path, Request

from sirbi_gateway.country_profiles import service
from sirbi_gateway.country_profiles.schemas import CountryProfile
from sirbi_gateway.country_profiles.sources import ProfileSources
from sirbi_gateway.identity.access import Caller
from sirbi_shared.db import SessionDep
from sirbi_shared.http.problems import problem_docs

router = APIRouter(prefix="/api/countries", tags=["country profiles"])

PROBLEMS = problem_docs({401: "Not signed in", 404: "Not a member state (`member_state_not_found`)"})


@router.get(
    "/{code}/profile",
    operation_id="country_profile",
    summary="A member state, its networks, directory figures, agreements and roadmap actions",
    description="Each part comes from its service, asked in parallel; a service that is down or too "
    "slow leaves its part `available: false` with the reason, and the rest still comes back.",
    responses=PROBLEMS,
)
async def country_profile(
    code: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$", examples=["PE"])],
    request: Request,
    session: SessionDep,
    caller: Caller,
) -> CountryProfile:
    sources: ProfileSources = request.app.state.profile_sources
    # The services check the caller themselves, and their logs join ours by request id.
    forwarded = {
        name: value
        for name, value in (
            ("Authorization", request.headers.get("Authorization")),
            ("X-Request-ID", correlation_id.get()),
        )
        if value
    }
    return await service.compose(session, sources, code.upper(), forwarded)
