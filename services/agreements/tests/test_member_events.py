"""What the agreements service learns from `sirbi.members.v1`: its replica of member states and
networks, and the reviews a suspension or withdrawal starts, each exactly once."""

from __future__ import annotations

from sqlalchemy import select

from services.agreements.tests.conftest import AgreementsUnderTest, MembersTopic, agreement_body
from services.agreements.tests.lifecycle import command, draft, in_force, ok, published, sign, verbs
from sirbi_agreements.member_facts.models import KnownMemberState, KnownNetwork
from tests.support.probe import wait_until


async def _status(agreements: AgreementsUnderTest, agreement: dict[str, object]) -> str:
    return str((await agreements.client.get(f"/agreements/{agreement['id']}")).json()["status"])


async def test_the_replica_keeps_the_newest_version_of_each_member(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE")
    await members_topic.member_state("PE", "suspended", "suspended", "Cuotas impagas")
    stale = members_topic.member_state_event("PE", "admitted", "active")
    stale.data["member_state"]["version"] = 1  # an old event delivered late
    await members_topic.send(stale)
    network = await members_topic.network("PE", status="in_formation", version=3)
    await members_topic.member_state(
        "CO", "registered", "candidate"
    )  # a later record, to know the rest arrived

    async with agreements.database.transaction() as session:
        peru = await session.get(KnownMemberState, "PE")
        assert peru is not None
        assert (peru.status, peru.version, peru.name_es) == ("suspended", 2, "Perú")
        known_network = await session.scalar(select(KnownNetwork).where(KnownNetwork.country == "PE"))
        assert known_network is not None
        assert (str(known_network.id), known_network.status, known_network.version) == (
            network,
            "in_formation",
            3,
        )


async def test_a_suspension_puts_circulated_and_running_agreements_under_review(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO", "CL")
    network = await members_topic.network("PE")
    await members_topic.wait_for("CL", 1)
    running = await in_force(agreements, agreement_body("PE-CO-RUN", "PE", "CO"))
    circulating = ok(
        await command(
            agreements, await draft(agreements, agreement_body("PE-CL-PROP", "PE", "CL")), "propose"
        )
    )
    circulating = ok(await sign(agreements, circulating, "CL"))
    via_network = agreement_body("NET-CO", "CO", network)
    via_network["parties"][1] = {"kind": "network", "ref": network}
    through_network = ok(await command(agreements, await draft(agreements, via_network), "propose"))
    still_a_draft = await draft(agreements, agreement_body("PE-CO-DRAFT", "PE", "CO"))
    unrelated = await in_force(agreements, agreement_body("CO-CL-RUN", "CO", "CL"))

    await members_topic.member_state("PE", "suspended", "suspended", "Cuotas impagas")

    for agreement in (running, circulating, through_network):
        assert await _status(agreements, agreement) == "under_review"
    assert await _status(agreements, still_a_draft) == "draft"
    assert await _status(agreements, unrelated) == "in_force"
    verb, data = (await published(agreements, running["id"]))[-1]
    assert verb == "put_under_review"
    assert data["member_state"] == "PE"
    assert data["agreement"]["status_reason"] == "Party PE is suspended: Cuotas impagas"
    history = (await agreements.client.get(f"/agreements/{running['id']}/history")).json()
    assert (history[-1]["action"], history[-1]["actor"]) == ("put_under_review", "system")

    # The secretariat closes the review: each goes back to where it was.
    current = (await agreements.client.get(f"/agreements/{running['id']}")).json()
    assert ok(await command(agreements, current, "resume"))["status"] == "in_force"
    current = (await agreements.client.get(f"/agreements/{circulating['id']}")).json()
    assert ok(await command(agreements, current, "resume"))["status"] == "partially_signed"


async def test_a_suspension_event_delivered_twice_reviews_once(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await in_force(agreements, agreement_body("PE-CO-TWICE", "PE", "CO"))
    suspension = members_topic.member_state_event("PE", "suspended", "suspended", "Cuotas impagas")
    await members_topic.send(suspension)
    await members_topic.send(suspension)  # the broker or the producer delivered it again
    consumer = agreements.app.state.runtime.consumers[0]

    async def second_copy_skipped() -> bool:
        return bool(consumer.stats.duplicates >= 1)

    await wait_until(second_copy_skipped, timeout=30, what="the second copy to reach the consumer")
    assert await _status(agreements, agreement) == "under_review"
    assert (await verbs(agreements, agreement["id"])).count("put_under_review") == 1

    # A later, different suspension event (after a reinstatement) is news again, but an agreement
    # already under review is not reviewed twice.
    await members_topic.member_state("PE", "withdrawn", "withdrawn", "Se retira de la red")
    assert (await verbs(agreements, agreement["id"])).count("put_under_review") == 1


async def test_a_withdrawal_reviews_too(agreements: AgreementsUnderTest, members_topic: MembersTopic) -> None:
    await members_topic.active("MX", "CO")
    agreement = await in_force(agreements, agreement_body("MX-CO-RUN", "MX", "CO"))
    await members_topic.member_state("MX", "withdrawn", "withdrawn", "Se retira de la red")
    assert await _status(agreements, agreement) == "under_review"
    assert (await verbs(agreements, agreement["id"]))[-1] == "put_under_review"
