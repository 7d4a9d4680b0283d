"""Steps the agreements tests share: HTTP calls with the right If-Match, and what was published."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from services.agreements.tests.conftest import AgreementsUnderTest
from sirbi_shared.outbox.tables import outbox_table

AGREEMENT_EVENT = "org.sirbi.agreements.agreement."


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{body["version"]}"'
    return body


async def draft(
    service: AgreementsUnderTest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return ok(
        await service.client.post("/agreements", json=body, headers=headers or service.secretariat), 201
    )


async def command(
    service: AgreementsUnderTest,
    agreement: dict[str, Any],
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    version: int | None = None,
) -> httpx.Response:
    return await service.client.post(
        f"/agreements/{agreement['id']}/{path}",
        json=body,
        headers={**(headers or service.secretariat), "If-Match": f'"{version or agreement["version"]}"'},
    )


async def sign(
    service: AgreementsUnderTest,
    agreement: dict[str, Any],
    party: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {"party": party, "signatory": f"Titular de {party}", "position": "Director(a) nacional", **extra}
    return await command(service, agreement, "signatures", body, headers)


async def in_force(service: AgreementsUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    """Draft, propose and have every party sign (the start date is in the past)."""
    agreement = await draft(service, body)
    agreement = ok(await command(service, agreement, "propose"))
    for party in agreement["parties"]:
        agreement = ok(await sign(service, agreement, party["ref"]))
    assert agreement["status"] == "in_force"
    return agreement


async def published(service: AgreementsUnderTest, aggregate_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(event type without prefix and version, data) of every event about one record, in order."""
    async with service.database.transaction() as session:
        rows = await session.execute(
            select(outbox_table.c.event_type, outbox_table.c.data)
            .where(outbox_table.c.partition_key == aggregate_id)
            .order_by(outbox_table.c.id)
        )
        return [
            (t.rsplit(".", 2)[-2], data if isinstance(data, dict) else json.loads(data)) for t, data in rows
        ]


async def verbs(service: AgreementsUnderTest, aggregate_id: str) -> list[str]:
    return [verb for verb, _ in await published(service, aggregate_id)]
