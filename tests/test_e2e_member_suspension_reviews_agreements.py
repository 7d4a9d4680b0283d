"""End to end, by events alone: the secretariat suspends a member state in the members service,
and the agreements service (its own database, its replica fed by `sirbi.members.v1`) puts that
member's agreement in force under review."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from sirbi_agreements.app import create_app as create_agreements
from sirbi_agreements.settings import Settings as AgreementsSettings
from sirbi_members.app import create_app as create_members
from sirbi_members.demo_data import seed_reference_data as seed_member_states
from sirbi_members.settings import Settings as MembersSettings
from sirbi_shared.auth import TokenIssuer
from sirbi_shared.outbox.tables import outbox_table
from tests.support.infra import Infrastructure
from tests.support.platform import sign_into_force, wait_for_active_members
from tests.support.probe import wait_until
from tests.support.services import started_service


async def test_suspending_a_member_puts_its_agreement_under_review(infra: Infrastructure) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}."  # one platform: both services on the same topics
    issuer = TokenIssuer.for_tests()
    members_db, agreements_db = (f"t_e2e_{name}_{uuid.uuid4().hex[:6]}" for name in ("members", "agreements"))
    infra.create_database(members_db)
    infra.create_database(agreements_db)
    common: dict[str, Any] = {"topic_prefix": prefix, "issuer": issuer}
    async with (
        started_service(
            infra,
            members_db,
            name="members",
            migrations="sirbi_members:migrations",
            create_app=create_members,
            settings_class=MembersSettings,
            **common,
        ) as members,
        started_service(
            infra,
            agreements_db,
            name="agreements",
            migrations="sirbi_agreements:migrations",
            create_app=create_agreements,
            settings_class=AgreementsSettings,
            **common,
        ) as agreements,
    ):
        await seed_member_states(members.database)  # the 21 member states, admitted, with their events
        await wait_for_active_members(agreements, "PE", "CO")

        body = {
            "code": "E2E-PE-CO-01",
            "title": "Convenio de préstamo interbibliotecario entre Perú y Colombia",
            "objectives": "Préstamo interbibliotecario entre ambas redes nacionales.",
            "type": "bilateral",
            "areas": ["interlibrary_loan"],
            "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
            "start_date": "2025-01-01",
            "end_date": "2030-12-31",
        }
        agreement = await sign_into_force(agreements, body)
        url = f"/agreements/{agreement['id']}"
        assert agreement["status"] == "in_force"

        etag = (await members.client.get("/member-states/PE")).headers["etag"]
        suspended = await members.client.post(
            "/member-states/PE/suspend",
            json={"reason": "Cuotas impagas durante dos años"},
            headers={**members.secretariat, "If-Match": etag},
        )
        assert suspended.status_code == 200, suspended.text

        async def under_review() -> bool:
            return bool((await agreements.client.get(url)).json()["status"] == "under_review")

        await wait_until(under_review, timeout=60, what="the agreement to go under review")
        read = (await agreements.client.get(url)).json()
        assert read["status_reason"] == "Party PE is suspended: Cuotas impagas durante dos años"
        async with agreements.database.transaction() as session:
            reviews = (
                await session.execute(
                    select(outbox_table.c.event_type, outbox_table.c.data).where(
                        outbox_table.c.partition_key == agreement["id"],
                        outbox_table.c.event_type == "org.sirbi.agreements.agreement.put_under_review.v1",
                    )
                )
            ).all()
        assert [data["member_state"] for _, data in reviews] == ["PE"]
