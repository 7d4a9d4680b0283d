"""End to end, by events alone: an agreement signed by all its parties, with a start date of
today, through the agreements service enters into force, and its implementation action appears on
the board of the roadmap's working group that looks after its cooperation area."""

from __future__ import annotations

import uuid
from typing import Any

from sirbi_agreements.app import create_app as create_agreements
from sirbi_agreements.settings import Settings as AgreementsSettings
from sirbi_members.app import create_app as create_members
from sirbi_members.demo_data import seed_reference_data as seed_member_states
from sirbi_members.settings import Settings as MembersSettings
from sirbi_roadmap.app import create_app as create_roadmap
from sirbi_roadmap.settings import Settings as RoadmapSettings
from sirbi_shared.auth import TokenIssuer
from sirbi_shared.calendar import today
from tests.support.infra import Infrastructure
from tests.support.platform import sign_into_force, wait_for_active_members
from tests.support.probe import wait_until
from tests.support.services import started_service


async def test_an_agreement_entering_into_force_lands_on_the_right_board(infra: Infrastructure) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}."  # one platform: the three services on the same topics
    issuer = TokenIssuer.for_tests()
    databases = {
        name: f"t_e2e_{name}_{uuid.uuid4().hex[:6]}" for name in ("members", "agreements", "roadmap")
    }
    for database in databases.values():
        infra.create_database(database)
    common: dict[str, Any] = {"topic_prefix": prefix, "issuer": issuer}
    async with (
        started_service(
            infra,
            databases["members"],
            name="members",
            migrations="sirbi_members:migrations",
            create_app=create_members,
            settings_class=MembersSettings,
            **common,
        ) as members,
        started_service(
            infra,
            databases["agreements"],
            name="agreements",
            migrations="sirbi_agreements:migrations",
            create_app=create_agreements,
            settings_class=AgreementsSettings,
            **common,
        ) as agreements,
        started_service(
            infra,
            databases["roadmap"],
            name="roadmap",
            migrations="sirbi_roadmap:migrations",
            create_app=create_roadmap,
            settings_class=RoadmapSettings,
            **common,
        ) as roadmap,
    ):
        groups = {}
        for name, areas in (
            ("Formación y profesionalización", ["training"]),
            ("Catálogos y préstamo", ["interlibrary_loan"]),
        ):
            group = {"name": name, "areas": areas, "coordinator": {"name": "Coordinación", "country": "PE"}}
            response = await roadmap.client.post("/working-groups", json=group, headers=roadmap.secretariat)
            assert response.status_code == 201, response.text
            groups[name] = response.json()["id"]
        await seed_member_states(members.database)
        await wait_for_active_members(agreements, "PE", "CO")

        start = today().isoformat()
        draft: dict[str, Any] = {
            "code": "E2E-PE-CO-PIB",
            "title": "Convenio de préstamo interbibliotecario entre Perú y Colombia",
            "objectives": "Préstamo interbibliotecario entre ambas redes nacionales.",
            "type": "bilateral",
            "areas": ["interlibrary_loan"],
            "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
            "start_date": start,
        }
        agreement = await sign_into_force(agreements, draft)
        assert agreement["status"] == "in_force"

        board_url = f"/working-groups/{groups['Catálogos y préstamo']}/board"

        async def on_the_board() -> bool:
            return bool((await roadmap.client.get(board_url)).json()["columns"]["proposed"])

        await wait_until(on_the_board, timeout=60, what="the implementation action on the board")
        [card] = (await roadmap.client.get(board_url)).json()["columns"]["proposed"]
        action = (await roadmap.client.get(f"/actions/{card['id']}")).json()
        assert action["agreement_id"] == agreement["id"]
        assert (action["lead_country"], action["participants"], action["start_date"]) == (
            "PE",
            ["PE", "CO"],
            start,
        )
        other_board = (
            await roadmap.client.get(f"/working-groups/{groups['Formación y profesionalización']}/board")
        ).json()
        assert all(cards == [] for cards in other_board["columns"].values())
