"""The roadmap's reactions to other services' events, each with one effect however often the
event is delivered: an agreement in force proposes its implementation action; a terminated
agreement flags its actions; a withdrawn member leaves every action and those it led are flagged."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from services.roadmap.tests.conftest import RoadmapUnderTest, Upstream, form_group, ok
from services.roadmap.tests.events_published import verbs
from sirbi_shared.events import CloudEvent
from tests.support.contracts import agreement_event, member_state_event
from tests.support.probe import wait_until


async def _actions(roadmap: RoadmapUnderTest, **params: str) -> list[dict[str, Any]]:
    return list((await roadmap.client.get("/actions", params=params)).json()["items"])


async def _twice_then(
    roadmap: RoadmapUnderTest, send: Callable[[CloudEvent], Awaitable[None]], event: CloudEvent
) -> None:
    """Deliver the event twice and wait until the consumer has skipped the second copy."""
    consumer = roadmap.app.state.runtime.consumers[0]
    before = consumer.stats.duplicates
    await send(event)
    await send(event)

    async def second_copy_skipped() -> bool:
        return bool(consumer.stats.duplicates > before)

    await wait_until(second_copy_skipped, timeout=60, what="the second copy to be skipped")


async def test_an_agreement_in_force_proposes_one_action_to_the_group_of_its_area(
    roadmap: RoadmapUnderTest, upstream: Upstream
) -> None:
    await form_group(roadmap, "Formación y profesionalización", ("training",))
    loans = await form_group(
        roadmap, "Catálogos colectivos y préstamo", ("union_catalogue", "interlibrary_loan")
    )
    agreement_id = uuid.uuid4()
    in_force = agreement_event(
        "entered_into_force",
        agreement_id=agreement_id,
        countries=["PE", "CO"],
        areas=["consortium_purchase", "interlibrary_loan", "training"],
        status="in_force",
        version=5,
    )
    await _twice_then(roadmap, upstream.agreements.send, in_force)

    [action] = await _actions(roadmap, agreement=str(agreement_id))
    assert action["working_group_id"] == loans["id"]  # interlibrary_loan: the first area a group covers
    assert (action["status"], action["origin"], action["created_by"]) == ("proposed", "agreement", "system")
    assert (action["lead_country"], action["participants"]) == ("PE", ["PE", "CO"])
    assert (action["start_date"], action["due_date"]) == ("2025-01-01", "2027-12-31")
    assert action["title"].startswith("Implementación del convenio CONV-TEST-01")
    assert await verbs(roadmap, action["id"]) == ["proposed"]
    board = (await roadmap.client.get(f"/working-groups/{loans['id']}/board")).json()
    assert [card["id"] for card in board["columns"]["proposed"]] == [action["id"]]

    # Other agreement events are not this consumer's business.
    drafted = agreement_event(
        "drafted",
        agreement_id=uuid.uuid4(),
        countries=["PE", "CO"],
        areas=["training"],
        status="draft",
        version=1,
    )
    await upstream.agreements.send(drafted)
    nobody_looks_after = agreement_event(
        "entered_into_force",
        agreement_id=uuid.uuid4(),
        countries=["MX", "CL"],
        areas=["preservation"],
        status="in_force",
        version=4,
    )
    await upstream.agreements.send(nobody_looks_after)

    async def second_arrived() -> bool:
        return len(await _actions(roadmap)) == 2

    await wait_until(second_arrived, timeout=60, what="the second agreement's action")
    orphan = next(a for a in await _actions(roadmap) if a["id"] != action["id"])
    assert (orphan["working_group_id"], orphan["flags"]) == (None, ["needs_working_group"])


async def test_a_terminated_agreement_flags_its_open_actions_once(
    roadmap: RoadmapUnderTest, upstream: Upstream
) -> None:
    group = await form_group(roadmap, "Catálogos colectivos y préstamo", ("interlibrary_loan",))
    agreement_id = uuid.uuid4()
    facts: dict[str, Any] = {
        "agreement_id": agreement_id,
        "countries": ["PE", "CO"],
        "areas": ["interlibrary_loan"],
    }
    await upstream.agreements.send(
        agreement_event("entered_into_force", status="in_force", version=5, **facts)
    )

    async def proposed() -> bool:
        return len(await _actions(roadmap, agreement=str(agreement_id))) == 1

    await wait_until(proposed, timeout=60, what="the implementation action")
    [implementation] = await _actions(roadmap)
    linked = ok(
        await roadmap.client.post(
            "/actions",
            json={
                "title": "Taller de préstamo interbibliotecario",
                "working_group_id": group["id"],
                "lead_country": "CO",
                "agreement_id": str(agreement_id),
                "start_date": "2025-03-01",
            },
            headers=roadmap.secretariat,
        ),
        201,
    )
    await _twice_then(
        roadmap,
        upstream.agreements.send,
        agreement_event("terminated", status="terminated", version=6, **facts),
    )
    for action in (implementation, linked):
        read = (await roadmap.client.get(f"/actions/{action['id']}")).json()
        assert read["flags"] == ["agreement_terminated"]
        assert (await verbs(roadmap, action["id"]))[-1] == "flagged"
        assert (await verbs(roadmap, action["id"])).count("flagged") == 1


async def test_a_withdrawn_member_leaves_every_action_and_its_own_are_flagged(
    roadmap: RoadmapUnderTest, upstream: Upstream
) -> None:
    group = await form_group(roadmap)

    async def propose(lead: str, participants: list[str]) -> dict[str, Any]:
        body = {
            "title": f"Acción liderada por {lead}",
            "working_group_id": group["id"],
            "lead_country": lead,
            "participants": participants,
            "start_date": "2025-03-01",
        }
        return ok(await roadmap.client.post("/actions", json=body, headers=roadmap.secretariat), 201)

    led = await propose("MX", ["PE", "CO"])
    joined = await propose("PE", ["MX", "CO"])
    unrelated = await propose("CL", ["AR"])
    await _twice_then(
        roadmap, upstream.members.send, member_state_event("MX", "withdrawn", "withdrawn", 7, "Se retira")
    )

    read_led = (await roadmap.client.get(f"/actions/{led['id']}")).json()
    assert (read_led["lead_country"], read_led["participants"], read_led["flags"]) == (
        "MX",
        ["PE", "CO"],
        ["needs_new_lead"],
    )
    read_joined = (await roadmap.client.get(f"/actions/{joined['id']}")).json()
    assert (read_joined["participants"], read_joined["flags"]) == (["PE", "CO"], [])
    assert await verbs(roadmap, led["id"]) == ["proposed", "flagged"]
    assert await verbs(roadmap, joined["id"]) == ["proposed", "participant_withdrawn"]
    assert await verbs(roadmap, unrelated["id"]) == ["proposed"]

    # Reassigning a new lead clears the flag.
    cleared = await roadmap.client.post(
        f"/actions/{led['id']}/reassign",
        json={"lead_country": "PE"},
        headers={**roadmap.secretariat, "If-Match": f'"{read_led["version"]}"'},
    )
    assert (ok(cleared)["lead_country"], cleared.json()["flags"]) == ("PE", [])
