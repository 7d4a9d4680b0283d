"""Member states over HTTP: commands, rules, concurrency, access, history, and their events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from sqlalchemy import func, select

from services.members.tests.conftest import MembersUnderTest
from sirbi_members.demo_data import MEMBER_STATES, seed
from sirbi_members.member_states.models import MemberState
from sirbi_shared.auth import Role
from sirbi_shared.outbox.tables import outbox_table

PERU = {"code": "PE", "names": {"es": "Perú", "pt": "Peru", "en": "Peru"}}


async def _register(members: MembersUnderTest, body: dict[str, Any] = PERU) -> dict[str, Any]:
    response = await members.client.post("/member-states", json=body, headers=members.secretariat)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _command(members: MembersUnderTest, code: str, command: str, version: int, **body: str) -> Any:
    return await members.client.post(
        f"/member-states/{code}/{command}",
        json=body or None,
        headers={**members.secretariat, "If-Match": f'"{version}"'},
    )


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


async def _row(members: MembersUnderTest, code: str) -> MemberState | None:
    async with members.database.transaction() as session:
        return (
            await session.execute(select(MemberState).where(MemberState.code == code))
        ).scalar_one_or_none()


async def test_register_then_read_with_etag(members: MembersUnderTest) -> None:
    created = await members.client.post("/member-states", json=PERU, headers=members.secretariat)
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == "/member-states/PE"
    assert created.json()["status"] == "candidate"

    read = await members.client.get("/member-states/pe")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json()["names"] == PERU["names"]

    _problem(
        await members.client.post("/member-states", json=PERU, headers=members.secretariat),
        409,
        "member_state_exists",
    )
    _problem(await members.client.get("/member-states/ZZ"), 404, "member_state_not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"code": "XX", "names": PERU["names"]},
        {"code": "PER", "names": PERU["names"]},
        {"code": "PE", "names": {"es": "Perú"}},
        {"code": "PE", "names": PERU["names"], "status": "active"},
    ],
)
async def test_invalid_registrations_are_refused(members: MembersUnderTest, body: dict[str, Any]) -> None:
    _problem(
        await members.client.post("/member-states", json=body, headers=members.secretariat),
        422,
        "validation_failed",
    )
    assert await _row(members, "PE") is None


async def test_membership_lifecycle_and_illegal_transitions(members: MembersUnderTest) -> None:
    await _register(members)
    admitted = await _command(members, "PE", "admit", 1)
    assert admitted.status_code == 200
    assert admitted.json()["status"] == "active"
    assert admitted.json()["admitted_on"] is not None
    assert admitted.headers["etag"] == '"2"'

    illegal = _problem(await _command(members, "PE", "admit", 2), 409, "illegal_status_transition")
    assert illegal["current_status"] == "active"
    _problem(await _command(members, "PE", "reinstate", 2), 409, "illegal_status_transition")

    suspended = await _command(members, "PE", "suspend", 2, reason="Dues unpaid for two years")
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["status_reason"] == "Dues unpaid for two years"
    _problem(await _command(members, "PE", "suspend", 3, reason="again"), 409, "illegal_status_transition")

    reinstated = await _command(members, "PE", "reinstate", 3)
    assert reinstated.json()["status"] == "active"
    assert reinstated.json()["status_reason"] is None

    withdrawn = await _command(members, "PE", "withdraw", 4, reason="Left the network")
    assert withdrawn.json()["status"] == "withdrawn"
    for command in ("admit", "reinstate", "suspend", "withdraw"):
        _problem(await _command(members, "PE", command, 5, reason="x" * 5), 409, "illegal_status_transition")

    _problem(
        await members.client.post(
            "/member-states/PE/suspend", json={}, headers={**members.secretariat, "If-Match": '"5"'}
        ),
        422,
        "validation_failed",
    )


async def test_changes_need_the_current_version(members: MembersUnderTest) -> None:
    await _register(members)
    _problem(
        await members.client.post("/member-states/PE/admit", headers=members.secretariat),
        428,
        "if_match_required",
    )
    stale = _problem(await _command(members, "PE", "admit", 7), 412, "version_mismatch")
    assert stale["current_version"] == 1
    _problem(
        await members.client.post(
            "/member-states/PE/admit", headers={**members.secretariat, "If-Match": "one"}
        ),
        400,
        "invalid_if_match",
    )
    row = await _row(members, "PE")
    assert row is not None
    assert (row.status, row.version) == ("candidate", 1)


async def test_two_changes_with_the_same_version_one_wins(members: MembersUnderTest) -> None:
    await _register(members)
    names = {"names": {"es": "República del Perú", "pt": "República do Peru", "en": "Republic of Peru"}}
    headers = {**members.secretariat, "If-Match": '"1"'}
    first, second = await asyncio.gather(
        members.client.patch("/member-states/PE", json=names, headers=headers),
        members.client.post("/member-states/PE/admit", headers=headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    row = await _row(members, "PE")
    assert row is not None
    assert row.version == 2


@pytest.mark.parametrize(
    ("roles", "country", "status", "code"),
    [
        ((), None, 401, "authentication_required"),
        ((Role.REPRESENTATIVE,), "PE", 403, "forbidden"),
        ((Role.OBSERVER,), None, 403, "forbidden"),
        ((Role.WG_COORDINATOR,), None, 403, "forbidden"),
    ],
)
async def test_only_the_secretariat_changes_member_states(
    members: MembersUnderTest, roles: tuple[Role, ...], country: str | None, status: int, code: str
) -> None:
    await _register(members)
    headers = members.auth(*roles, country=country) if roles else {}
    attempts = [
        members.client.post("/member-states", json={**PERU, "code": "CL"}, headers=headers),
        members.client.patch(
            "/member-states/PE", json={"names": PERU["names"]}, headers={**headers, "If-Match": '"1"'}
        ),
        members.client.post("/member-states/PE/admit", headers={**headers, "If-Match": '"1"'}),
        members.client.post(
            "/member-states/PE/withdraw", json={"reason": "nope"}, headers={**headers, "If-Match": '"1"'}
        ),
    ]
    for response in await asyncio.gather(*attempts):
        _problem(response, status, code)
    row = await _row(members, "PE")
    assert row is not None
    assert (row.status, row.version) == ("candidate", 1)
    assert await _row(members, "CL") is None


async def test_history_records_every_change_and_its_actor(members: MembersUnderTest) -> None:
    await _register(members)
    await _command(members, "PE", "admit", 1)
    await _command(members, "PE", "suspend", 2, reason="Dues unpaid")
    history = (await members.client.get("/member-states/PE/history")).json()
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "registered", "ana.secretariat"),
        (2, "admitted", "ana.secretariat"),
        (3, "suspend", "ana.secretariat"),
    ]
    assert history[-1]["state"]["status"] == "suspended"


async def _events(members: MembersUnderTest, count: int) -> list[Any]:
    reader = AIOKafkaConsumer(
        members.topic("sirbi.members.v1"),
        bootstrap_servers=members.infra.kafka_bootstrap,
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        events: list[Any] = []
        async with asyncio.timeout(60):
            while len(events) < count:
                record = await reader.getone()
                events.append(
                    from_binary_event(
                        KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
                    )
                )
        return events
    finally:
        await reader.stop()


async def test_every_change_is_an_event_with_the_whole_state(members: MembersUnderTest) -> None:
    await _register(members)
    await _command(members, "PE", "admit", 1)
    await _command(members, "PE", "suspend", 2, reason="Dues unpaid")
    events = await _events(members, 3)
    assert [e.get_type() for e in events] == [
        "org.sirbi.members.memberstate.registered.v1",
        "org.sirbi.members.memberstate.admitted.v1",
        "org.sirbi.members.memberstate.suspended.v1",
    ]
    assert {e.get_extension("partitionkey") for e in events} == {"PE"}
    current = (await members.client.get("/member-states/PE")).json()
    assert events[-1].get_data()["member_state"] == json.loads(json.dumps(current))


async def test_seeding_loads_the_21_member_states_once(members: MembersUnderTest) -> None:
    await seed(members.database)
    await seed(members.database)
    listed = (await members.client.get("/member-states", params={"status": "active"})).json()
    assert [s["code"] for s in listed] == sorted(code for code, *_ in MEMBER_STATES)
    assert len(listed) == 21
    async with members.database.transaction() as session:
        events = (
            await session.execute(
                select(func.count())
                .select_from(outbox_table)
                .where(outbox_table.c.event_type.like("org.sirbi.members.memberstate.%"))
            )
        ).scalar_one()
    assert events == 42, "registered + admitted per state, and nothing the second time"
