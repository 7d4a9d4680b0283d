"""The agreements calendar: brings signed agreements into force on their start date, ends them
on their end date (expired, or renewed if they renew themselves), and announces those ending
within the notice period, once per end date.

Every decision is made from the agreement's own row, inside the transaction that changes it
and writes its event, so a restart (or a second replica of the service) never announces or
moves anything twice: a row already handled no longer matches, and a row another scheduler
holds is skipped (`FOR UPDATE SKIP LOCKED`) and looked at again on the next tick.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sirbi_agreements.agreements import repository
from sirbi_agreements.agreements.events import (
    AgreementEnteredIntoForce,
    AgreementExpired,
    AgreementExpiringSoon,
    AgreementRenewed,
)
from sirbi_agreements.agreements.service import publish
from sirbi_shared.calendar import today
from sirbi_shared.changes import SYSTEM_ACTOR
from sirbi_shared.db import Database

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    entered_into_force: int = 0
    expired: int = 0
    renewed: int = 0
    announced: int = 0


class AgreementScheduler:
    name = "agreement-scheduler"

    def __init__(self, database: Database, *, interval_seconds: float, notice_days: int) -> None:
        self.database = database
        self.interval_seconds = interval_seconds
        self.notice_days = notice_days

    async def run(self) -> None:
        while True:
            try:
                report = await self.tick(today())
                if report != TickReport():
                    log.info("agreement calendar applied", extra=vars(report))
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be away; the next tick tries again.
                log.exception("agreement calendar tick failed")
            await asyncio.sleep(self.interval_seconds)

    async def tick(self, day: date) -> TickReport:
        report = TickReport()
        async with self.database.transaction() as session:
            candidates = await repository.ids_due(session, day, day + timedelta(days=self.notice_days))
        for agreement_id in candidates:
            await self._apply(agreement_id, day, report)
        return report

    async def _apply(self, agreement_id: uuid.UUID, day: date, report: TickReport) -> None:
        async with self.database.transaction() as session:
            agreement = await repository.lock_if_free(session, agreement_id)
            if agreement is None:
                return
            if agreement.due_to_enter_into_force(day):
                agreement.enter_into_force(day)
                await publish(
                    session, agreement, AgreementEnteredIntoForce, "entered_into_force", SYSTEM_ACTOR
                )
                report.entered_into_force += 1
            if agreement.due_to_end(day):
                if agreement.renews_itself():
                    previous = agreement.end_date
                    agreement.renew(day)
                    await publish(
                        session,
                        agreement,
                        AgreementRenewed,
                        "renewed",
                        SYSTEM_ACTOR,
                        previous_end_date=previous,
                    )
                    report.renewed += 1
                else:
                    agreement.expire(day)
                    await publish(session, agreement, AgreementExpired, "expired", SYSTEM_ACTOR)
                    report.expired += 1
            if agreement.needs_expiry_notice(day, self.notice_days):
                assert agreement.end_date is not None
                agreement.expiry_notice_for = agreement.end_date
                await publish(
                    session,
                    agreement,
                    AgreementExpiringSoon,
                    "expiring_soon",
                    SYSTEM_ACTOR,
                    new_version=False,  # a notice, not a change of the agreement
                    days_left=(agreement.end_date - day).days,
                )
                report.announced += 1
