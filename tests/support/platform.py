"""Steps the cross-service tests share: waiting for the agreements service to know the members
service's states, and taking an agreement between member states through its signing flow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sirbi_agreements.member_facts.models import KnownMemberState
from tests.support.probe import wait_until
from tests.support.services import ServiceUnderTest


async def wait_for_active_members(agreements: ServiceUnderTest, *codes: str) -> None:
    """Until the agreements service's replica, fed by `sirbi.members.v1`, has these as active."""

    async def known() -> bool:
        async with agreements.database.transaction() as session:
            rows = await session.execute(
                select(KnownMemberState.code).where(
                    KnownMemberState.code.in_(codes), KnownMemberState.status == "active"
                )
            )
            return len(rows.all()) == len(codes)

    await wait_until(known, timeout=60, what=f"{', '.join(codes)} active in the agreements service")


async def sign_into_force(agreements: ServiceUnderTest, draft: dict[str, Any]) -> dict[str, Any]:
    """Draft (as the first party's representative), propose, and have each member-state party's
    representative sign for their own country; returns the agreement after the last signature."""
    countries = [p["ref"] for p in draft["parties"]]
    response = await agreements.client.post(
        "/agreements", json=draft, headers=agreements.representative(countries[0])
    )
    assert response.status_code == 201, response.text
    agreement: dict[str, Any] = response.json()
    steps: list[tuple[str, str, dict[str, str] | None]] = [("propose", countries[0], None)]
    steps += [
        ("signatures", c, {"party": c, "signatory": f"Titular ({c})", "position": "Director(a)"})
        for c in countries
    ]
    for path, country, body in steps:
        response = await agreements.client.post(
            f"/agreements/{agreement['id']}/{path}",
            json=body,
            headers={**agreements.representative(country), "If-Match": f'"{agreement["version"]}"'},
        )
        assert response.status_code == 200, response.text
        agreement = response.json()
    return agreement
