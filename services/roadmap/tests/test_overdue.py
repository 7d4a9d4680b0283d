"""Overdue actions are announced once per due date, even across restarts; closed ones never."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.roadmap.tests.conftest import UPSTREAM, RoadmapUnderTest, form_group, ok, post
from services.roadmap.tests.events_published import published, verbs
from sirbi_roadmap.actions.scheduler import OverdueScheduler
from sirbi_roadmap.app import create_app
from sirbi_roadmap.demo_data import seed
from sirbi_roadmap.settings import Settings
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.services import started_service


async def _action(roadmap: RoadmapUnderTest, group: dict[str, Any], due: str) -> dict[str, Any]:
    body = {
        "title": "Curso regional de catalogación",
        "working_group_id": group["id"],
        "lead_country": "PE",
        "start_date": "2030-01-01",
        "due_date": due,
    }
    return ok(await roadmap.client.post("/actions", json=body, headers=roadmap.secretariat), 201)


async def test_announced_once_per_due_date(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    action = await _action(roadmap, group, "2030-06-30")
    finished = await _action(roadmap, group, "2030-06-30")
    for command in ("plan", "start", "complete"):
        finished = ok(await post(roadmap, f"/actions/{finished['id']}/{command}", finished))
    scheduler = OverdueScheduler(roadmap.database, interval_seconds=60)

    assert await scheduler.tick(date(2030, 6, 30)) == 0  # due today is not overdue yet
    assert await scheduler.tick(date(2030, 7, 1)) == 1
    assert await scheduler.tick(date(2030, 7, 2)) == 0
    assert (
        await OverdueScheduler(roadmap.database, interval_seconds=60).tick(date(2030, 8, 1)) == 0
    )  # after a restart
    read = (await roadmap.client.get(f"/actions/{action['id']}")).json()
    assert read["version"] == action["version"]  # a notice is not a change: ETags stay valid
    [data] = [d for v, d in await published(roadmap, action["id"]) if v == "overdue"]
    assert data["due_date"] == "2030-06-30"
    assert "overdue" not in await verbs(roadmap, finished["id"])

    moved = {
        **{k: read[k] for k in ("title", "description", "line_id", "participants", "start_date", "priority")}
    }
    moved["due_date"] = "2030-09-30"
    response = await roadmap.client.put(
        f"/actions/{action['id']}",
        json=moved,
        headers={**roadmap.secretariat, "If-Match": f'"{read["version"]}"'},
    )
    assert response.status_code == 200, response.text
    assert await scheduler.tick(date(2030, 9, 1)) == 0
    assert await scheduler.tick(date(2030, 10, 1)) == 1
    assert (await verbs(roadmap, action["id"])).count("overdue") == 2


async def test_the_running_service_announces_by_itself(infra: Infrastructure) -> None:
    """The demo roadmap holds a planned action due 2025-11-30: the scheduler that starts with the
    service announces it without anyone calling tick()."""
    name = f"t_overdue_{uuid.uuid4().hex[:8]}"
    infra.create_database(name)
    prefix = f"t{uuid.uuid4().hex[:8]}."
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + t, 3) for t in UPSTREAM])
    async with started_service(
        infra,
        name,
        name="roadmap",
        migrations="sirbi_roadmap:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=prefix,
        overdue_interval_seconds=0.2,
    ) as roadmap:
        await seed(roadmap.database)
        items = (await roadmap.client.get("/actions", params={"limit": 200})).json()["items"]
        guide = next(a for a in items if a["title"].startswith("Guía común"))
        assert guide["overdue"] is True  # its due date has passed

        async def announced() -> bool:
            return "overdue" in await verbs(roadmap, guide["id"])

        await wait_until(announced, timeout=30, what="the demo action's overdue notice")
        await seed(roadmap.database)  # a second run changes nothing
        assert len((await roadmap.client.get("/actions", params={"limit": 200})).json()["items"]) == len(
            items
        )
