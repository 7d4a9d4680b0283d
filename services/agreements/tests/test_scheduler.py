"""The agreements calendar: into force on the start date, expired (or renewed) on the end date,
and one "ending soon" notice per end date, even across restarts of the service."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.agreements.tests.conftest import (
    MEMBERS_TOPIC,
    AgreementsUnderTest,
    MembersTopic,
    agreement_body,
)
from services.agreements.tests.lifecycle import command, in_force, ok, published, verbs
from sirbi_agreements.agreements.models import Agreement
from sirbi_agreements.agreements.scheduler import AgreementScheduler, TickReport
from sirbi_agreements.app import create_app
from sirbi_agreements.demo_data import seed
from sirbi_agreements.settings import Settings
from sirbi_shared.events.topics import TopicSpec, ensure_topics
from tests.support.infra import Infrastructure
from tests.support.probe import wait_until
from tests.support.services import started_service


def _scheduler(agreements: AgreementsUnderTest) -> AgreementScheduler:
    return AgreementScheduler(agreements.database, interval_seconds=60, notice_days=90)


async def _read(agreements: AgreementsUnderTest, agreement: dict[str, object]) -> dict[str, object]:
    return dict((await agreements.client.get(f"/agreements/{agreement['id']}")).json())


async def test_expires_on_its_end_date_after_one_notice(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await in_force(agreements, agreement_body("PE-CO-END", "PE", "CO", end_date="2031-06-30"))
    scheduler = _scheduler(agreements)
    end = date(2031, 6, 30)

    assert await scheduler.tick(end - timedelta(days=91)) == TickReport()
    assert await scheduler.tick(end - timedelta(days=90)) == TickReport(announced=1)
    assert await scheduler.tick(end - timedelta(days=89)) == TickReport()  # once per end date
    # A restarted service (a new scheduler, as after a crash) does not announce it again.
    assert await _scheduler(agreements).tick(end - timedelta(days=10)) == TickReport()
    notices = [d for v, d in await published(agreements, agreement["id"]) if v == "expiring_soon"]
    assert [n["days_left"] for n in notices] == [90]
    read = await _read(agreements, agreement)
    assert read["version"] == agreement["version"]  # a notice is not a change: ETags stay valid

    assert await scheduler.tick(end - timedelta(days=1)) == TickReport()
    assert await scheduler.tick(end) == TickReport(expired=1)
    assert (await _read(agreements, agreement))["status"] == "expired"
    assert await scheduler.tick(end + timedelta(days=1)) == TickReport()
    assert (await verbs(agreements, agreement["id"]))[-2:] == ["expiring_soon", "expired"]


async def test_an_amended_end_date_earns_a_new_notice(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await in_force(agreements, agreement_body("PE-CO-AMEND", "PE", "CO", end_date="2031-06-30"))
    scheduler = _scheduler(agreements)
    assert (await scheduler.tick(date(2031, 5, 1))).announced == 1
    extended = ok(
        await command(agreements, agreement, "amendments", {"summary": "Prórroga", "end_date": "2031-09-30"}),
        201,
    )
    assert (await scheduler.tick(date(2031, 5, 2))).announced == 0  # the new end is 151 days away
    assert (await scheduler.tick(date(2031, 7, 2))).announced == 1
    assert [
        d["agreement"]["end_date"]
        for v, d in await published(agreements, extended["id"])
        if v == "expiring_soon"
    ] == [
        "2031-06-30",
        "2031-09-30",
    ]


async def test_an_automatic_renewal_runs_on(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    body = agreement_body(
        "PE-CO-RENEW", "PE", "CO", end_date="2031-01-31", renewal={"rule": "automatic", "months": 12}
    )
    agreement = await in_force(agreements, body)
    scheduler = _scheduler(agreements)
    assert await scheduler.tick(date(2031, 1, 31)) == TickReport(renewed=1)
    read = await _read(agreements, agreement)
    assert (read["status"], read["end_date"]) == ("in_force", "2032-01-31")
    verb, data = (await published(agreements, agreement["id"]))[-1]
    assert (verb, data["previous_end_date"]) == ("renewed", "2031-01-31")
    # A scheduler that was down for years catches up in one renewal event.
    assert await scheduler.tick(date(2034, 3, 1)) == TickReport(renewed=1)
    assert (await _read(agreements, agreement))["end_date"] == "2035-01-31"


async def test_a_suspended_agreement_still_ends_and_terminated_ones_are_left_alone(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    suspended = await in_force(agreements, agreement_body("PE-CO-SUSP", "PE", "CO", end_date="2031-01-31"))
    suspended = ok(await command(agreements, suspended, "suspend", {"reason": "Auditoría"}))
    ended = await in_force(agreements, agreement_body("PE-CO-TERM", "PE", "CO", end_date="2031-01-31"))
    ok(await command(agreements, ended, "terminate", {"reason": "Acuerdo de las partes"}))
    assert await _scheduler(agreements).tick(date(2031, 2, 1)) == TickReport(expired=1)
    assert (await _read(agreements, suspended))["status"] == "expired"
    assert (await _read(agreements, ended))["status"] == "terminated"


async def test_a_row_another_scheduler_holds_is_skipped_then_handled(
    agreements: AgreementsUnderTest, members_topic: MembersTopic
) -> None:
    await members_topic.active("PE", "CO")
    agreement = await in_force(agreements, agreement_body("PE-CO-LOCK", "PE", "CO", end_date="2031-01-31"))
    async with agreements.database.transaction() as other_replica:
        await other_replica.execute(select(Agreement).where(Agreement.code == "PE-CO-LOCK").with_for_update())
        assert await _scheduler(agreements).tick(date(2031, 2, 1)) == TickReport()
    assert await _scheduler(agreements).tick(date(2031, 2, 1)) == TickReport(expired=1)
    assert (await verbs(agreements, agreement["id"])).count("expired") == 1


async def test_the_running_service_applies_the_calendar_by_itself(infra: Infrastructure) -> None:
    """The demo data holds an agreement whose end date (2025-12-31) has passed: the scheduler that
    starts with the service expires it, without anyone calling tick()."""
    name = f"t_sched_{uuid.uuid4().hex[:8]}"
    infra.create_database(name)
    prefix = f"t{uuid.uuid4().hex[:8]}."
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(prefix + MEMBERS_TOPIC, 3)])
    async with started_service(
        infra,
        name,
        name="agreements",
        migrations="sirbi_agreements:migrations",
        create_app=create_app,
        settings_class=Settings,
        topic_prefix=prefix,
        scheduler_interval_seconds=0.2,
    ) as agreements:
        await seed(agreements.database)
        listed = (await agreements.client.get("/agreements", params={"limit": 200})).json()["items"]
        past = next(a for a in listed if a["code"] == "DEMO-MX-IFLA-2024-FORM")

        async def expired() -> bool:
            return (await _read(agreements, past))["status"] == "expired"

        await wait_until(expired, timeout=30, what="the demo agreement to expire")
        assert await verbs(agreements, past["id"]) == [
            "drafted",
            "proposed",
            "signed",
            "signed",
            "entered_into_force",
            "expired",
        ]
