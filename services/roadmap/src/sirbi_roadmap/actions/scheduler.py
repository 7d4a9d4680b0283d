"""Announces overdue actions, once per due date, surviving restarts.

The decision is taken from the action's row inside the transaction that writes its notice
(`overdue_notice_for` = the due date announced), so neither a restart nor a second replica of the
service announces an action twice; rows another replica holds are skipped (`SKIP LOCKED`) and
looked at on the next tick. A new due date (the group moved it) earns a new notice once passed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date

from sirbi_roadmap.actions import repository
from sirbi_roadmap.actions.events import ActionOverdue
from sirbi_roadmap.actions.service import publish
from sirbi_shared.calendar import today
from sirbi_shared.changes import SYSTEM_ACTOR
from sirbi_shared.db import Database

log = logging.getLogger(__name__)


class OverdueScheduler:
    name = "overdue-actions"

    def __init__(self, database: Database, *, interval_seconds: float) -> None:
        self.database = database
        self.interval_seconds = interval_seconds

    async def run(self) -> None:
        while True:
            try:
                announced = await self.tick(today())
                if announced:
                    log.info("overdue actions announced", extra={"actions": announced})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("overdue tick failed")  # the database may be away: next tick
            await asyncio.sleep(self.interval_seconds)

    async def tick(self, day: date) -> int:
        """Announce what is overdue on `day`; returns how many were announced."""
        async with self.database.transaction() as session:
            candidates = await repository.ids_overdue(session, day)
        announced = 0
        for action_id in candidates:
            announced += await self._announce(action_id, day)
        return announced

    async def _announce(self, action_id: uuid.UUID, day: date) -> int:
        async with self.database.transaction() as session:
            action = await repository.lock_if_free(session, action_id)
            if action is None or not action.needs_overdue_notice(day) or action.due_date is None:
                return 0
            action.overdue_notice_for = action.due_date
            await publish(
                session,
                action,
                ActionOverdue,
                "overdue",
                SYSTEM_ACTOR,
                new_version=False,  # a notice, not a change: the action's ETag stays valid
                due_date=action.due_date,
            )
            return 1
