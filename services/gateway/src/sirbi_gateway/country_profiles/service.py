"""Composing a country's profile: the services are asked in parallel, each within its own
deadline; one that is down or failing costs only its own part."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.country_profiles.schemas import CountryProfile, ProfilePart
from sirbi_gateway.country_profiles.sources import ProfileSources
from sirbi_gateway.dashboard import replicas
from sirbi_shared.http.problems import ProblemError

# Records per list part: a country has a handful of networks and tens of agreements or actions.
LIST_LIMIT = 200


async def _ask(
    sources: ProfileSources, service: str, url: str, headers: Mapping[str, str], params: Mapping[str, Any]
) -> tuple[ProfilePart, int | None]:
    """The part and the service's status code (None when it never answered)."""
    timeout = sources.part_timeout_seconds
    try:
        async with asyncio.timeout(timeout):
            async with sources.client.get(url, headers=dict(headers), params=dict(params)) as response:
                status = response.status
                payload = await response.read() if status == 200 else b""
    except TimeoutError:
        return ProfilePart(available=False, service=service, reason=f"timed out after {timeout} s"), None
    except aiohttp.ClientError as exc:
        return ProfilePart(
            available=False, service=service, reason=f"unreachable ({type(exc).__name__})"
        ), None
    if status != 200:
        return ProfilePart(available=False, service=service, reason=f"answered {status}"), status
    try:
        body = json.loads(payload)
    except ValueError:
        return ProfilePart(
            available=False, service=service, reason="answered something that is not JSON"
        ), 200
    if isinstance(body, dict) and "items" in body:  # a page of a list
        return ProfilePart(
            available=True, service=service, data=body["items"], more=bool(body.get("next_cursor"))
        ), 200
    return ProfilePart(available=True, service=service, data=body), 200


async def _directory(session: AsyncSession, code: str) -> ProfilePart:
    by_status, by_type = await replicas.libraries_of(session, code)
    figures = {"total": sum(by_status.values()), "by_status": by_status, "by_type": by_type}
    return ProfilePart(available=True, service="members", data=figures)


async def compose(
    session: AsyncSession, sources: ProfileSources, code: str, forwarded: Mapping[str, str]
) -> CountryProfile:
    places = sources.addresses
    listing = {"country": code, "limit": LIST_LIMIT}
    (
        (member_state, member_status),
        (networks, _),
        (agreements, _),
        (actions, _),
        directory,
    ) = await asyncio.gather(
        _ask(sources, "members", f"{places.members}/member-states/{code}", forwarded, {}),
        _ask(sources, "members", f"{places.members}/networks", forwarded, listing),
        _ask(sources, "agreements", f"{places.agreements}/agreements", forwarded, listing),
        _ask(sources, "roadmap", f"{places.roadmap}/actions", forwarded, listing),
        _directory(session, code),
    )
    if member_status == 404:
        raise ProblemError(404, "member_state_not_found", f"{code} is not a member state.", country=code)
    return CountryProfile(
        code=code,
        member_state=member_state,
        networks=networks,
        directory=directory,
        agreements=agreements,
        actions=actions,
    )
