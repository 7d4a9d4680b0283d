"""Agreements over HTTP: the signing flow, every command's rules, concurrency, access, history,
filters, and the events each change publishes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.agreements.tests.conftest import AgreementsUnderTest, MembersTopic, agreement_body, iso
from services.agreements.tests.lifecycle import command, draft, in_force, ok, problem, published, sign, verbs
from sirbi_agreements.agreements.scheduler import AgreementScheduler
from sirbi_shared.auth import Role
from sirbi_shared.calendar import today


async def test_draft_propose_and_every_signature_bring_it_into_force(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await draft(
        agreements, agreement_body("PE-CO-2026-01", "PE", "CO"), agreements.representative("PE")
    )
    assert agreement["status"] == "draft"
    assert agreement["version"] == 1
    assert agreement["created_by"] == "rep.pe"
    assert [(p["ref"], p["name"], p["signature"]) for p in agreement["parties"]] == [
        ("PE", "Perú", None),
        ("CO", "Colombia", None),
    ]

    agreement = ok(await command(agreements, agreement, "propose", headers=agreements.representative("PE")))
    assert agreement["status"] == "proposed"
    agreement = ok(
        await sign(agreements, agreement, "PE", agreements.representative("PE"), signed_on="2025-01-10")
    )
    assert agreement["status"] == "partially_signed"
    assert agreement["parties"][0]["signature"] == {
        "signatory": "Titular de PE",
        "position": "Director(a) nacional",
        "signed_on": "2025-01-10",
    }
    agreement = ok(await sign(agreements, agreement, "co", agreements.representative("CO")))
    assert agreement["status"] == "in_force"  # started 2025-01-01: in force at the last signature
    assert agreement["version"] == 5

    assert await verbs(agreements, agreement["id"]) == [
        "drafted",
        "proposed",
        "signed",
        "signed",
        "entered_into_force",
    ]
    events = await published(agreements, agreement["id"])
    assert [data["party"] for verb, data in events if verb == "signed"] == ["PE", "CO"]
    assert (
        events[-1][1]["agreement"] == (await agreements.client.get(f"/agreements/{agreement['id']}")).json()
    )

    history = (await agreements.client.get(f"/agreements/{agreement['id']}/history")).json()
    assert [(h["version"], h["action"], h["actor"]) for h in history] == [
        (1, "drafted", "rep.pe"),
        (2, "proposed", "rep.pe"),
        (3, "signed", "rep.pe"),
        (4, "signed", "rep.co"),
        (5, "entered_into_force", "system"),
    ]


async def test_fully_signed_before_its_start_date_waits_for_the_calendar(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    start = today() + timedelta(days=30)
    body = agreement_body(
        "PE-CO-FUTURE", "PE", "CO", start_date=iso(start), end_date=iso(start + timedelta(days=700))
    )
    agreement = await draft(agreements, body)
    agreement = ok(await command(agreements, agreement, "propose"))
    agreement = ok(await sign(agreements, agreement, "PE"))
    agreement = ok(await sign(agreements, agreement, "CO"))
    assert agreement["status"] == "signed"

    scheduler = AgreementScheduler(agreements.database, interval_seconds=60, notice_days=90)
    assert (await scheduler.tick(start - timedelta(days=1))).entered_into_force == 0
    assert (await scheduler.tick(start)).entered_into_force == 1
    read = (await agreements.client.get(f"/agreements/{agreement['id']}")).json()
    assert read["status"] == "in_force"
    assert (await verbs(agreements, agreement["id"]))[-1] == "entered_into_force"


async def test_each_party_signs_once(agreements: AgreementsUnderTest, members_topic: MembersTopic) -> None:
    await members_topic.active("PE", "CO", "CL")
    agreement = await draft(agreements, agreement_body("PE-CO-CL-01", "PE", "CO", "CL"))
    agreement = ok(await command(agreements, agreement, "propose"))
    agreement = ok(await sign(agreements, agreement, "PE"))
    twice = problem(await sign(agreements, agreement, "PE"), 409, "already_signed")
    assert twice["party"] == "PE"
    problem(await sign(agreements, agreement, "AR"), 422, "not_a_party")
    problem(
        await sign(agreements, agreement, "CO", signed_on=iso(today() + timedelta(days=1))),
        422,
        "signed_in_future",
    )
    read = ok(await agreements.client.get(f"/agreements/{agreement['id']}"))
    assert read["version"] == agreement["version"]
    assert read["status"] == "partially_signed"
    assert await verbs(agreements, agreement["id"]) == ["drafted", "proposed", "signed"]


async def test_a_representative_signs_only_for_their_own_country(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    network = await members_topic.network("CO")
    partner = ok(
        await agreements.client.post(
            "/partners",
            json={"name": "IFLA", "kind": "international_association"},
            headers=agreements.secretariat,
        ),
        201,
    )
    body = agreement_body("PE-CO-NET-01", "PE", "CO", network, partner["id"], type="multilateral")
    body["parties"][2] = {"kind": "network", "ref": network}
    await members_topic.wait_for("CO", 1)
    agreement = await draft(agreements, body)
    agreement = ok(await command(agreements, agreement, "propose"))

    peru = agreements.representative("PE")
    refused = problem(await sign(agreements, agreement, "CO", peru), 403, "country_scope")
    assert refused["party_country"] == "CO"
    problem(await sign(agreements, agreement, network, peru), 403, "country_scope")
    problem(await sign(agreements, agreement, partner["id"], peru), 403, "country_scope")
    observer = agreements.auth(Role.OBSERVER, subject="olga.observer")
    problem(await sign(agreements, agreement, "PE", observer), 403, "forbidden")
    problem(
        await agreements.client.post(f"/agreements/{agreement['id']}/signatures", json={}),
        401,
        "authentication_required",
    )
    assert await verbs(agreements, agreement["id"]) == ["drafted", "proposed"]

    colombia = agreements.representative("CO")
    agreement = ok(await sign(agreements, agreement, network, colombia))  # its own country's network
    agreement = ok(await sign(agreements, agreement, "PE", peru))
    agreement = ok(await sign(agreements, agreement, partner["id"]))  # the secretariat, for the partner
    assert agreement["status"] == "partially_signed"
    assert [p["ref"] for p in agreement["parties"] if p["signature"] is None] == ["CO"]


async def test_drafting_is_for_the_secretariat_and_representatives_of_a_party(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO", "CL")
    body = agreement_body("PE-CO-02", "PE", "CO")
    problem(
        await agreements.client.post("/agreements", json=body, headers=agreements.representative("CL")),
        403,
        "country_scope",
    )
    observer = agreements.auth(Role.OBSERVER)
    problem(await agreements.client.post("/agreements", json=body, headers=observer), 403, "forbidden")
    problem(await agreements.client.post("/agreements", json=body), 401, "authentication_required")
    listed = (await agreements.client.get("/agreements")).json()
    assert listed["items"] == []

    agreement = await draft(agreements, body, agreements.representative("CO"))
    chile = agreements.representative("CL")
    problem(await command(agreements, agreement, "propose", headers=chile), 403, "country_scope")
    # A representative cannot hand a draft over to other countries either.
    moved = agreement_body("PE-CO-02", "CL", "PE")
    del moved["code"]
    response = await agreements.client.put(
        f"/agreements/{agreement['id']}",
        json=moved,
        headers={**agreements.representative("CO"), "If-Match": '"1"'},
    )
    problem(response, 403, "country_scope")
    assert await verbs(agreements, agreement["id"]) == ["drafted"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parties": [{"kind": "member_state", "ref": "PE"}] * 2}, "a party appears twice"),
        (
            {
                "type": "bilateral",
                "parties": [{"kind": "member_state", "ref": c} for c in ("PE", "CO", "CL")],
            },
            "exactly two",
        ),
        ({"type": "multilateral"}, "at least 3"),
        ({"end_date": "2024-12-31"}, "end date comes after"),
        ({"renewal": {"rule": "automatic"}}, "needs its length"),
        ({"renewal": {"rule": "automatic", "months": 12}, "end_date": None}, "cannot renew itself"),
        ({"areas": []}, "at least 1"),
        ({"areas": ["astrology"]}, "Input should be"),
        (
            {"parties": [{"kind": "member_state", "ref": "PER"}, {"kind": "member_state", "ref": "CO"}]},
            "alpha-2",
        ),
        ({"parties": [{"kind": "partner", "ref": "IFLA"}, {"kind": "member_state", "ref": "CO"}]}, "UUID"),
        ({"code": "no spaces allowed"}, "String should match"),
        ({"status": "in_force"}, "Extra inputs"),
    ],
)
async def test_invalid_drafts_are_422_and_write_nothing(
    agreements: AgreementsUnderTest, change: dict[str, object], message: str
) -> None:
    body = {**agreement_body("PE-CO-BAD", "PE", "CO"), **change}
    response = await agreements.client.post("/agreements", json=body, headers=agreements.secretariat)
    problem(response, 422, "validation_failed")
    assert message in response.text
    assert (await agreements.client.get("/agreements")).json()["items"] == []


async def test_unknown_parties_and_taken_codes(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE")
    body = agreement_body("PE-ZZ-01", "PE", "CO", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    body["type"] = "framework"
    unknown = problem(
        await agreements.client.post("/agreements", json=body, headers=agreements.secretariat),
        422,
        "unknown_party",
    )
    assert unknown["parties"] == [
        {"kind": "member_state", "ref": "CO"},
        {"kind": "partner", "ref": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"},
    ]
    await members_topic.active("CO")
    await draft(agreements, agreement_body("PE-CO-03", "PE", "CO"))
    problem(
        await agreements.client.post(
            "/agreements", json=agreement_body("PE-CO-03", "PE", "CO"), headers=agreements.secretariat
        ),
        409,
        "agreement_code_taken",
    )


async def test_proposing_with_a_suspended_member_is_409(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    in_formation = await members_topic.network("PE", status="in_formation")
    agreement = await draft(agreements, agreement_body("PE-CO-04", "PE", "CO"))
    with_network = agreement_body("PE-NET-01", "CO", in_formation)
    with_network["parties"][1] = {"kind": "network", "ref": in_formation}
    await members_topic.member_state("CO", "suspended", "suspended", "Cuotas impagas")

    refused = problem(await command(agreements, agreement, "propose"), 409, "party_not_active")
    assert refused["parties"] == [{"ref": "CO", "reason": "member state CO is suspended"}]
    assert ok(await agreements.client.get(f"/agreements/{agreement['id']}"))["status"] == "draft"

    await members_topic.member_state("CO", "reinstated", "active")
    network_draft = await draft(agreements, with_network)
    refused = problem(await command(agreements, network_draft, "propose"), 409, "party_not_active")
    assert refused["parties"] == [{"ref": in_formation, "reason": "network is in_formation"}]
    assert ok(await command(agreements, agreement, "propose"))["status"] == "proposed"
    assert await verbs(agreements, agreement["id"]) == ["drafted", "proposed"]


async def test_only_a_draft_is_edited_and_every_edit_is_versioned(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO", "CL")
    agreement = await draft(agreements, agreement_body("PE-CO-05", "PE", "CO"))
    terms = agreement_body("PE-CO-05", "PE", "CO", "CL", title="Convenio trilateral de catalogación")
    del terms["code"]
    url = f"/agreements/{agreement['id']}"
    problem(
        await agreements.client.put(url, json=terms, headers=agreements.secretariat), 428, "if_match_required"
    )
    problem(
        await agreements.client.put(url, json=terms, headers={**agreements.secretariat, "If-Match": '"7"'}),
        412,
        "version_mismatch",
    )
    edited = ok(
        await agreements.client.put(url, json=terms, headers={**agreements.secretariat, "If-Match": '"1"'})
    )
    assert edited["title"] == "Convenio trilateral de catalogación"
    assert [p["ref"] for p in edited["parties"]] == ["PE", "CO", "CL"]
    assert edited["version"] == 2

    proposed = ok(await command(agreements, edited, "propose"))
    locked = await agreements.client.put(
        url, json=terms, headers={**agreements.secretariat, "If-Match": f'"{proposed["version"]}"'}
    )
    problem(locked, 409, "terms_locked")
    assert await verbs(agreements, agreement["id"]) == ["drafted", "updated", "proposed"]


async def test_suspend_resume_terminate_and_illegal_moves(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await draft(agreements, agreement_body("PE-CO-06", "PE", "CO"))
    reason = {"reason": "Revisión presupuestaria"}
    problem(await command(agreements, agreement, "suspend", reason), 409, "illegal_status_transition")
    problem(await command(agreements, agreement, "resume"), 409, "illegal_status_transition")
    problem(await sign(agreements, agreement, "PE"), 409, "illegal_status_transition")

    agreement = await in_force(agreements, agreement_body("PE-CO-07", "PE", "CO"))
    problem(await command(agreements, agreement, "propose"), 409, "illegal_status_transition")
    problem(
        await command(agreements, agreement, "suspend", reason, agreements.representative("PE")),
        403,
        "forbidden",
    )
    problem(await command(agreements, agreement, "suspend", reason, version=1), 412, "version_mismatch")
    problem(await command(agreements, agreement, "suspend", {"reason": ""}), 422, "validation_failed")

    agreement = ok(await command(agreements, agreement, "suspend", reason))
    assert (agreement["status"], agreement["status_reason"]) == ("suspended", "Revisión presupuestaria")
    problem(await command(agreements, agreement, "suspend", reason), 409, "illegal_status_transition")
    agreement = ok(await command(agreements, agreement, "resume"))
    assert (agreement["status"], agreement["status_reason"]) == ("in_force", None)
    agreement = ok(await command(agreements, agreement, "terminate", {"reason": "Acuerdo de las partes"}))
    assert (agreement["status"], agreement["status_reason"]) == ("terminated", "Acuerdo de las partes")
    for move, body in (("terminate", reason), ("resume", None), ("suspend", reason)):
        refused = problem(await command(agreements, agreement, move, body), 409, "illegal_status_transition")
        assert refused["current_status"] == "terminated"
    assert (await verbs(agreements, agreement["id"]))[-3:] == ["suspended", "resumed", "terminated"]

    draft_to_drop = await draft(agreements, agreement_body("PE-CO-08", "PE", "CO"))
    dropped = ok(await command(agreements, draft_to_drop, "terminate", {"reason": "Se abandona el borrador"}))
    assert dropped["status"] == "terminated"


async def test_amendments_make_new_versions_and_keep_the_old_terms(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    waiting = await draft(agreements, agreement_body("PE-CO-09", "PE", "CO"))
    amendment = {
        "summary": "Adenda 1: se amplía a digitalización",
        "areas": ["interlibrary_loan", "digitisation"],
    }
    problem(await command(agreements, waiting, "amendments", amendment), 409, "illegal_status_transition")

    agreement = await in_force(agreements, agreement_body("PE-CO-10", "PE", "CO"))
    problem(
        await command(agreements, agreement, "amendments", amendment, agreements.representative("PE")),
        403,
        "forbidden",
    )
    problem(
        await command(
            agreements, agreement, "amendments", {"summary": "Nada cambia", "areas": agreement["areas"]}
        ),
        422,
        "amendment_changes_nothing",
    )
    problem(
        await command(
            agreements, agreement, "amendments", {"summary": "Fecha imposible", "end_date": "2024-01-01"}
        ),
        422,
        "invalid_dates",
    )

    response = await command(agreements, agreement, "amendments", {**amendment, "end_date": "2032-12-31"})
    amended = ok(response, 201)
    assert response.headers["location"].endswith("#amendment-1")
    assert amended["version"] == agreement["version"] + 1
    assert amended["areas"] == ["interlibrary_loan", "digitisation"]
    assert amended["end_date"] == "2032-12-31"
    [recorded] = amended["amendments"]
    assert recorded["number"] == 1
    assert recorded["changes"] == {
        "areas": {
            "from": ["interlibrary_loan", "union_catalogue"],
            "to": ["interlibrary_loan", "digitisation"],
        },
        "end_date": {"from": "2030-12-31", "to": "2032-12-31"},
    }
    verb, data = (await published(agreements, agreement["id"]))[-1]
    assert verb == "amended"
    assert data["amendment"]["number"] == 1
    history = (await agreements.client.get(f"/agreements/{agreement['id']}/history")).json()
    assert history[-2]["state"]["end_date"] == "2030-12-31"  # the terms before the amendment
    assert history[-1]["state"]["end_date"] == "2032-12-31"


async def test_filters_and_pages(agreements: AgreementsUnderTest, members_topic: MembersTopic) -> None:
    await members_topic.active("PE", "CO", "CL")
    network = await members_topic.network("CL")
    soon = today() + timedelta(days=40)
    await in_force(agreements, agreement_body("A-PE-CO", "PE", "CO", end_date=iso(soon)))
    await draft(agreements, agreement_body("B-PE-CL", "PE", "CL", areas=["training"]))
    with_network = agreement_body("C-CO-NET", "CO", network)
    with_network["parties"][1] = {"kind": "network", "ref": network}
    await draft(agreements, with_network)

    async def codes(**params: str) -> list[str]:
        response = await agreements.client.get("/agreements", params=params)
        assert response.status_code == 200, response.text
        return [a["code"] for a in response.json()["items"]]

    assert await codes() == ["A-PE-CO", "B-PE-CL", "C-CO-NET"]
    assert await codes(party="pe") == ["A-PE-CO", "B-PE-CL"]
    assert await codes(party=network) == ["C-CO-NET"]
    assert await codes(country="CL") == ["B-PE-CL", "C-CO-NET"]  # its network counts
    assert await codes(area="training") == ["B-PE-CL"]
    assert await codes(status="in_force") == ["A-PE-CO"]
    assert await codes(type="bilateral") == ["A-PE-CO", "B-PE-CL", "C-CO-NET"]
    assert await codes(expiring_before=iso(soon + timedelta(days=1))) == ["A-PE-CO"]
    assert await codes(expiring_before=iso(soon)) == []

    first = (await agreements.client.get("/agreements", params={"limit": 2})).json()
    assert [a["code"] for a in first["items"]] == ["A-PE-CO", "B-PE-CL"]
    rest = (
        await agreements.client.get("/agreements", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [a["code"] for a in rest["items"]] == ["C-CO-NET"]
    assert rest["next_cursor"] is None
    problem(
        await agreements.client.get("/agreements", params={"cursor": "bm90LWEtY3Vyc29y"}),
        400,
        "invalid_cursor",
    )
    problem(
        await agreements.client.get("/agreements", params={"status": "dormant"}), 422, "validation_failed"
    )
