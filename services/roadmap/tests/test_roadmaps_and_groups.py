"""Roadmaps, strategic lines and working groups over HTTP: who may change them, versions,
history, and the events each change publishes."""

from __future__ import annotations

from services.roadmap.tests.conftest import RoadmapUnderTest, coordinator, form_group, ok, post, problem
from services.roadmap.tests.events_published import verbs

ROADMAP = {
    "code": "HR-2025-2027",
    "title": "Hoja de ruta de cooperación regional",
    "description": "Acordada en Lima.",
    "starts_on": "2025-01-01",
    "ends_on": "2027-12-31",
}


async def test_roadmap_and_lines(roadmap: RoadmapUnderTest) -> None:
    created = ok(await roadmap.client.post("/roadmaps", json=ROADMAP, headers=roadmap.secretariat), 201)
    problem(
        await roadmap.client.post("/roadmaps", json=ROADMAP, headers=roadmap.secretariat),
        409,
        "roadmap_exists",
    )
    problem(
        await roadmap.client.post("/roadmaps", json=ROADMAP, headers=roadmap.representative("PE")),
        403,
        "forbidden",
    )
    problem(await roadmap.client.post("/roadmaps", json=ROADMAP), 401, "authentication_required")
    backwards = {**ROADMAP, "code": "X", "ends_on": "2024-01-01"}
    problem(
        await roadmap.client.post("/roadmaps", json=backwards, headers=roadmap.secretariat),
        422,
        "validation_failed",
    )

    lines_url = f"/roadmaps/{created['id']}/lines"
    line = {"code": "L2", "title": "Formación de bibliotecarios", "description": ""}
    added = ok(await roadmap.client.post(lines_url, json=line, headers=roadmap.secretariat), 201)
    problem(await roadmap.client.post(lines_url, json=line, headers=roadmap.secretariat), 409, "line_exists")
    renamed = {**line, "title": "Formación y certificación de bibliotecarios"}
    line_url = f"/lines/{added['id']}"
    problem(
        await roadmap.client.put(line_url, json=renamed, headers=roadmap.secretariat),
        428,
        "if_match_required",
    )
    updated = ok(
        await roadmap.client.put(line_url, json=renamed, headers={**roadmap.secretariat, "If-Match": '"1"'})
    )
    assert (updated["version"], updated["title"]) == (2, renamed["title"])

    read = ok(await roadmap.client.get(f"/roadmaps/{created['id']}"))
    assert [line["title"] for line in read["lines"]] == [renamed["title"]]
    edited = {**ROADMAP, "title": "Hoja de ruta 2025-2027"}
    url = f"/roadmaps/{created['id']}"
    problem(
        await roadmap.client.put(url, json=edited, headers={**roadmap.secretariat, "If-Match": '"9"'}),
        412,
        "version_mismatch",
    )
    assert (
        ok(await roadmap.client.put(url, json=edited, headers={**roadmap.secretariat, "If-Match": '"1"'}))[
            "version"
        ]
        == 2
    )
    assert await verbs(roadmap, created["id"]) == ["created", "updated"]
    assert await verbs(roadmap, added["id"]) == ["created", "updated"]
    history = (await roadmap.client.get(f"{url}/history")).json()
    assert [(h["version"], h["actor"]) for h in history] == [(1, "ana.secretariat"), (2, "ana.secretariat")]


async def test_working_groups_and_who_joins_them(roadmap: RoadmapUnderTest) -> None:
    group = await form_group(roadmap)
    other = await form_group(roadmap, "Catálogos colectivos", ("union_catalogue",))
    problem(
        await roadmap.client.post(
            "/working-groups",
            json={
                "name": group["name"].upper(),
                "areas": ["training"],
                "coordinator": {"name": "Otra coordinación", "country": "PE"},
            },
            headers=roadmap.secretariat,
        ),
        409,
        "working_group_exists",
    )
    url = f"/working-groups/{group['id']}"
    renamed = {
        "name": "Formación de bibliotecarios",
        "areas": ["training"],
        "coordinator": {"name": "Nueva coordinación", "country": "PE"},
    }
    problem(
        await roadmap.client.put(
            url, json=renamed, headers={**coordinator(roadmap, group), "If-Match": '"1"'}
        ),
        403,
        "forbidden",
    )
    taken = {**renamed, "name": other["name"]}
    problem(
        await roadmap.client.put(url, json=taken, headers={**roadmap.secretariat, "If-Match": '"1"'}),
        409,
        "working_group_exists",
    )
    group = ok(
        await roadmap.client.put(url, json=renamed, headers={**roadmap.secretariat, "If-Match": '"1"'})
    )
    assert (group["name"], group["coordinator"]["country"], group["version"]) == (renamed["name"], "PE", 2)
    own = coordinator(roadmap, group)
    group = ok(await post(roadmap, f"{url}/countries", group, {"country": "pe"}, own))
    assert group["countries"] == ["PE"]
    problem(await post(roadmap, f"{url}/countries", group, {"country": "PE"}, own), 409, "already_a_member")
    refused = await post(roadmap, f"{url}/countries", group, {"country": "CL"}, coordinator(roadmap, other))
    problem(refused, 403, "group_scope")
    problem(
        await post(roadmap, f"{url}/countries", group, {"country": "CL"}, roadmap.representative("CL")),
        403,
        "group_scope",
    )

    group = ok(
        await post(
            roadmap, f"{url}/people", group, {"name": "Ana Quispe", "country": "PE", "subject": "ana.pe"}, own
        )
    )
    [person] = group["people"]
    group = ok(await post(roadmap, f"{url}/people/{person['id']}/leave", group, None, own))
    assert group["people"] == []
    problem(await post(roadmap, f"{url}/people/{person['id']}/leave", group, None, own), 404, "not_a_member")
    group = ok(await post(roadmap, f"{url}/countries/pe/leave", group))
    assert group["countries"] == []
    assert await verbs(roadmap, group["id"]) == [
        "formed",
        "updated",
        "member_joined",
        "member_joined",
        "member_left",
        "member_left",
    ]
    history = (await roadmap.client.get(f"{url}/history")).json()
    assert [h["actor"] for h in history] == [
        "ana.secretariat",
        "ana.secretariat",
        "coord",
        "coord",
        "coord",
        "ana.secretariat",
    ]
