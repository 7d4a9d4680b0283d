"""Actions over HTTP: who proposes, the status flow the coordinator drives, progress from the
group's members, indicators, milestones, the board and the filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.roadmap.tests.conftest import (
    RoadmapUnderTest,
    coordinator,
    form_group,
    member,
    ok,
    post,
    problem,
)
from services.roadmap.tests.events_published import published, verbs
from sirbi_shared.auth import Role
from sirbi_shared.calendar import today


def proposal(group: dict[str, Any] | None, lead: str = "PE", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Curso regional de catalogación",
        "description": "Formación virtual para catalogadores.",
        "working_group_id": group["id"] if group else None,
        "lead_country": lead,
        "participants": ["CO"],
        "start_date": "2026-01-15",
        "due_date": "2027-06-30",
        "priority": "high",
    }
    body.update(overrides)
    return body


async def propose(
    roadmap: RoadmapUnderTest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return ok(await roadmap.client.post("/actions", json=body, headers=headers or roadmap.secretariat), 201)


async def test_who_may_propose(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    action = await propose(roadmap, proposal(group, participants=["CO", "PE"]), roadmap.representative("PE"))
    assert (action["status"], action["participants"], action["created_by"]) == (
        "proposed",
        ["PE", "CO"],
        "rep.pe",
    )
    assert action["flags"] == []
    problem(
        await roadmap.client.post("/actions", json=proposal(group), headers=roadmap.representative("CL")),
        403,
        "proposal_scope",
    )
    observer = roadmap.auth(Role.OBSERVER)
    problem(
        await roadmap.client.post("/actions", json=proposal(group), headers=observer), 403, "proposal_scope"
    )
    problem(await roadmap.client.post("/actions", json=proposal(group)), 401, "authentication_required")
    by_coordinator = await propose(roadmap, proposal(group, lead="CO"), coordinator(roadmap, group))
    assert by_coordinator["lead_country"] == "CO"

    unknown = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    problem(
        await roadmap.client.post(
            "/actions", json=proposal(group, line_id=unknown), headers=roadmap.secretariat
        ),
        422,
        "line_not_found",
    )
    problem(
        await roadmap.client.post(
            "/actions", json=proposal(None, working_group_id=unknown), headers=roadmap.secretariat
        ),
        422,
        "working_group_not_found",
    )
    without_group = await propose(roadmap, proposal(None))
    assert without_group["flags"] == ["needs_working_group"]
    assert await verbs(roadmap, action["id"]) == ["proposed"]


@pytest.mark.parametrize(
    "change",
    [
        {"due_date": "2025-01-01"},
        {"participants": ["CO", "CO"]},
        {"lead_country": "PER"},
        {"priority": "urgent"},
        {"status": "done"},
        {"indicators": [{"name": "Cursos", "unit": "cursos", "target": 0}]},
    ],
)
async def test_invalid_proposals_are_422(roadmap: RoadmapUnderTest, change: dict[str, Any]) -> None:
    response = await roadmap.client.post(
        "/actions", json=proposal(None, **change), headers=roadmap.secretariat
    )
    problem(response, 422, "validation_failed")
    assert (await roadmap.client.get("/actions")).json()["items"] == []


async def test_the_coordinator_drives_the_status(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    other = await form_group(roadmap, "Catálogos colectivos", ("union_catalogue",))
    own = coordinator(roadmap, group)
    action = await propose(roadmap, proposal(group))
    url = f"/actions/{action['id']}"

    problem(await post(roadmap, f"{url}/start", action, headers=own), 409, "illegal_status_transition")
    problem(await post(roadmap, f"{url}/plan", action, headers=member(roadmap, group)), 403, "group_scope")
    problem(
        await post(roadmap, f"{url}/plan", action, headers=coordinator(roadmap, other)), 403, "group_scope"
    )
    problem(
        await post(roadmap, f"{url}/plan", action, headers=roadmap.representative("PE")), 403, "group_scope"
    )
    problem(await roadmap.client.post(f"{url}/plan", headers=own), 428, "if_match_required")

    action = ok(await post(roadmap, f"{url}/plan", action, headers=own))
    action = ok(await post(roadmap, f"{url}/start", action, headers=own))
    problem(await post(roadmap, f"{url}/block", action, {"reason": ""}, own), 422, "validation_failed")
    action = ok(await post(roadmap, f"{url}/block", action, {"reason": "Sin financiamiento"}, own))
    assert (action["status"], action["status_reason"]) == ("blocked", "Sin financiamiento")
    problem(await post(roadmap, f"{url}/complete", action, headers=own), 409, "illegal_status_transition")
    action = ok(await post(roadmap, f"{url}/unblock", action, headers=own))
    assert (action["status"], action["status_reason"]) == ("in_progress", None)
    action = ok(await post(roadmap, f"{url}/complete", action, headers=own))
    for command, body in (
        ("cancel", {"reason": "Ya no hace falta"}),
        ("start", None),
        ("block", {"reason": "x y z"}),
    ):
        refused = problem(
            await post(roadmap, f"{url}/{command}", action, body, own), 409, "illegal_status_transition"
        )
        assert refused["current_status"] == "done"
    problem(await post(roadmap, url, action, None, own), 405, "method_not_allowed")
    assert await verbs(roadmap, action["id"]) == [
        "proposed",
        "planned",
        "started",
        "blocked",
        "unblocked",
        "completed",
    ]
    history = (await roadmap.client.get(f"{url}/history")).json()
    assert [h["actor"] for h in history] == ["ana.secretariat", "coord", "coord", "coord", "coord", "coord"]

    planned = await propose(roadmap, proposal(group))
    planned = ok(await post(roadmap, f"/actions/{planned['id']}/plan", planned, headers=own))
    planned = ok(
        await post(roadmap, f"/actions/{planned['id']}/block", planned, {"reason": "Esperando al socio"}, own)
    )
    assert (
        ok(await post(roadmap, f"/actions/{planned['id']}/unblock", planned, headers=own))["status"]
        == "planned"
    )


async def test_an_action_without_a_group_is_adopted_before_it_is_planned(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    action = await propose(roadmap, proposal(None))
    url = f"/actions/{action['id']}"
    problem(await post(roadmap, f"{url}/plan", action), 409, "needs_working_group")
    problem(await post(roadmap, f"{url}/reassign", action, {}), 422, "validation_failed")
    adopted = ok(
        await post(
            roadmap, f"{url}/reassign", action, {"working_group_id": group["id"]}, coordinator(roadmap, group)
        )
    )
    assert (adopted["working_group_id"], adopted["flags"]) == (group["id"], [])
    moved = ok(
        await post(roadmap, f"{url}/reassign", adopted, {"lead_country": "CO"}, coordinator(roadmap, group))
    )
    assert (moved["lead_country"], moved["participants"]) == ("CO", ["CO", "PE"])
    assert (
        ok(await post(roadmap, f"{url}/plan", moved, headers=coordinator(roadmap, group)))["status"]
        == "planned"
    )
    cancelled = ok(
        await post(roadmap, f"{url}/cancel", {"version": moved["version"] + 1}, {"reason": "Duplicada"})
    )
    assert cancelled["status"] == "cancelled"
    assert await verbs(roadmap, action["id"]) == [
        "proposed",
        "reassigned",
        "reassigned",
        "planned",
        "cancelled",
    ]


async def test_progress_indicators_and_milestones(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    other = await form_group(roadmap, "Catálogos colectivos", ("union_catalogue",))
    own = coordinator(roadmap, group)
    body = proposal(
        group, indicators=[{"name": "Bibliotecarios formados", "unit": "personas", "target": 400}]
    )
    action = await propose(roadmap, body)
    url = f"/actions/{action['id']}"

    report = {"comment": "Primera cohorte: 132 inscritos.", "percent": 35}
    problem(
        await post(roadmap, f"{url}/progress", action, report, member(roadmap, other)), 403, "group_scope"
    )
    problem(
        await post(roadmap, f"{url}/progress", action, report, roadmap.auth(Role.OBSERVER)),
        403,
        "group_scope",
    )
    problem(
        await post(roadmap, f"{url}/progress", action, {**report, "percent": 130}, member(roadmap, group)),
        422,
        "validation_failed",
    )
    action = ok(await post(roadmap, f"{url}/progress", action, report, member(roadmap, group, "lucia")), 201)
    assert [(p["number"], p["comment"], p["reported_by"]) for p in action["progress"]] == [
        (1, report["comment"], "lucia")
    ]

    measure = await roadmap.client.put(
        f"{url}/indicators/1/current",
        json={"current": 132},
        headers={**member(roadmap, group), "If-Match": f'"{action["version"]}"'},
    )
    action = ok(measure)
    assert action["indicators"][0]["current"] == "132.00"
    missing = await roadmap.client.put(
        f"{url}/indicators/9/current",
        json={"current": 1},
        headers={**own, "If-Match": f'"{action["version"]}"'},
    )
    problem(missing, 404, "indicator_not_found")
    second = {"name": "Cursos dictados", "unit": "cursos", "target": 12}
    problem(
        await post(roadmap, f"{url}/indicators", action, second, member(roadmap, group)), 403, "group_scope"
    )
    action = ok(await post(roadmap, f"{url}/indicators", action, second, own), 201)
    problem(await post(roadmap, f"{url}/indicators", action, second, own), 409, "indicator_exists")

    action = ok(
        await post(roadmap, f"{url}/milestones", action, {"title": "Primera cohorte certificada"}, own), 201
    )
    tomorrow = (today() + timedelta(days=1)).isoformat()
    problem(
        await post(roadmap, f"{url}/milestones/1/reached", action, {"reached_on": tomorrow}, own),
        422,
        "reached_in_future",
    )
    action = ok(await post(roadmap, f"{url}/milestones/1/reached", action, {}, own))
    assert action["milestones"][0]["reached_on"] == today().isoformat()
    problem(
        await post(roadmap, f"{url}/milestones/1/reached", action, {}, own), 409, "milestone_already_reached"
    )
    problem(await post(roadmap, f"{url}/milestones/7/reached", action, {}, own), 404, "milestone_not_found")

    events = await published(roadmap, action["id"])
    assert [v for v, _ in events] == [
        "proposed",
        "progress_reported",
        "indicator_updated",
        "indicator_updated",
        "updated",
        "milestone_reached",
    ]
    assert events[1][1]["update"]["percent"] == 35
    assert events[3][1]["indicator"]["name"] == "Cursos dictados"
    assert events[5][1]["milestone"]["number"] == 1


async def test_board_filters_and_pages(roadmap: RoadmapUnderTest) -> None:
    created = ok(
        await roadmap.client.post(
            "/roadmaps",
            json={"code": "HR", "title": "Hoja de ruta", "starts_on": "2025-01-01", "ends_on": "2027-12-31"},
            headers=roadmap.secretariat,
        ),
        201,
    )
    line = ok(
        await roadmap.client.post(
            f"/roadmaps/{created['id']}/lines",
            json={"code": "L2", "title": "Formación"},
            headers=roadmap.secretariat,
        ),
        201,
    )
    group = await form_group(roadmap)
    other = await form_group(roadmap, "Catálogos colectivos", ("union_catalogue",))
    late = today() - timedelta(days=3)
    a = await propose(
        roadmap,
        proposal(group, title="AAA", line_id=line["id"], start_date="2025-01-01", due_date=late.isoformat()),
    )
    b = await propose(roadmap, proposal(group, title="BBB", lead="CL", participants=["AR"]))
    b = ok(await post(roadmap, f"/actions/{b['id']}/plan", b))
    c = await propose(roadmap, proposal(other, title="CCC", lead="MX", participants=["PE"]))
    done = await propose(
        roadmap, proposal(group, title="DDD", start_date="2025-01-01", due_date=late.isoformat())
    )
    for command in ("plan", "start", "complete"):
        done = ok(await post(roadmap, f"/actions/{done['id']}/{command}", done))

    board = (await roadmap.client.get(f"/working-groups/{group['id']}/board")).json()
    columns = {status: [card["title"] for card in cards] for status, cards in board["columns"].items()}
    assert columns == {
        "proposed": ["AAA"],
        "planned": ["BBB"],
        "in_progress": [],
        "blocked": [],
        "done": ["DDD"],
        "cancelled": [],
    }
    assert board["columns"]["proposed"][0]["overdue"] is True
    assert board["columns"]["done"][0]["overdue"] is False  # done on time or not, it is not overdue

    async def titles(**params: str) -> list[str]:
        response = await roadmap.client.get("/actions", params=params)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert await titles() == ["AAA", "BBB", "CCC", "DDD"]
    assert await titles(line=line["id"]) == ["AAA"]
    assert await titles(group=other["id"]) == ["CCC"]
    assert await titles(country="pe") == ["AAA", "CCC", "DDD"]  # leads A and D, takes part in C
    assert await titles(status="planned") == ["BBB"]
    assert await titles(overdue="true") == ["AAA"]
    first = (await roadmap.client.get("/actions", params={"limit": 3})).json()
    rest = (await roadmap.client.get("/actions", params={"limit": 3, "cursor": first["next_cursor"]})).json()
    assert [i["title"] for i in first["items"] + rest["items"]] == ["AAA", "BBB", "CCC", "DDD"]
    assert rest["next_cursor"] is None
    problem(await roadmap.client.get("/actions", params={"cursor": "WyJ4IiwieSJd"}), 400, "invalid_cursor")
    problem(await roadmap.client.get(f"/working-groups/{c['id']}/board"), 404, "working_group_not_found")
    assert a["id"] != c["id"]


@pytest.mark.parametrize("reached", [[], ["plan"], ["plan", "start"], ["plan", "start", "block"]])
async def test_any_open_action_can_be_cancelled_and_then_no_longer_changes(
    roadmap: RoadmapUnderTest, reached: list[str]
) -> None:
    group = await form_group(roadmap)
    action = await propose(roadmap, proposal(group))
    url = f"/actions/{action['id']}"
    for command in reached:
        action = ok(
            await post(
                roadmap, f"{url}/{command}", action, {"reason": "Sin fondos"} if command == "block" else None
            )
        )
    action = ok(await post(roadmap, f"{url}/cancel", action, {"reason": "La red decidió no seguir"}))
    assert (action["status"], action["status_reason"]) == ("cancelled", "La red decidió no seguir")
    details = {
        k: action[k]
        for k in ("title", "description", "line_id", "participants", "start_date", "due_date", "priority")
    }
    edited = await roadmap.client.put(
        url, json=details, headers={**roadmap.secretariat, "If-Match": f'"{action["version"]}"'}
    )
    problem(edited, 409, "action_closed")
    problem(await post(roadmap, f"{url}/reassign", action, {"lead_country": "CO"}), 409, "action_closed")
    assert (await verbs(roadmap, action["id"]))[-1] == "cancelled"
