"""Waking the relays running in this process when a transaction that wrote their rows commits.

This replaces a NOTIFY inside the writing transaction: PostgreSQL serialises the commits of all
transactions that notified (one global lock, held through each commit's WAL flush), which cost
the members service up to half its write rate. Here a commit costs one scheduled `wake()` per relay
of its lanes. Relays of other processes hear of it through their own process's relay (`OutboxRelay`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import NamedTuple, Protocol

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction


class Lane(NamedTuple):
    """One topic of one database: what a relay serves."""

    database: str
    topic: str

    @classmethod
    def of(cls, url: URL, topic: str) -> Lane:
        # Host, port and name only: the writer's URL names a driver, the relay's DSN does not.
        return cls(f"{url.host}:{url.port or 5432}/{url.database}", topic)


class Wakeable(Protocol):
    def wake(self) -> None: ...


class RunningRelays:
    """The relays running in this process, by lane; they register while they run."""

    def __init__(self) -> None:
        self._by_lane: dict[Lane, dict[Wakeable, asyncio.AbstractEventLoop]] = {}

    def register(self, lane: Lane, relay: Wakeable) -> None:
        self._by_lane.setdefault(lane, {})[relay] = asyncio.get_running_loop()

    def unregister(self, lane: Lane, relay: Wakeable) -> None:
        relays = self._by_lane.get(lane, {})
        relays.pop(relay, None)
        if not relays:
            self._by_lane.pop(lane, None)

    def wake(self, lanes: Iterable[Lane]) -> None:
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # a commit outside any event loop (a synchronous caller)
            current = None
        for lane in lanes:
            for relay, loop in list(self._by_lane.get(lane, {}).items()):
                if loop is current:
                    # The usual case, on every commit: no self-pipe write to wake our own loop.
                    relay.wake()
                    continue
                # Thread-safe, and never raises into a commit that has already happened.
                with contextlib.suppress(RuntimeError):  # that loop is closed: its relay is gone
                    loop.call_soon_threadsafe(relay.wake)


# Per process by nature: `Outbox.add` sees only a session, and the relays to wake are this
# process's. It holds doorbells, never events: the outbox table stays the only queue.
running_relays = RunningRelays()

# In `Session.info`: the lanes the session's current transaction wrote rows for.
_LANES_TO_WAKE = "sirbi.outbox.lanes_to_wake"


def wake_relays_after_commit(session: AsyncSession, topic: str) -> None:
    """Once the session's transaction commits, wake this process's relays of the topic."""
    sync_session = session.sync_session
    lanes: set[Lane] | None = sync_session.info.get(_LANES_TO_WAKE)
    if lanes is None:
        lanes = sync_session.info[_LANES_TO_WAKE] = set()
    lanes.add(Lane.of(sync_session.get_bind().engine.url, topic))


# Listened to once for every session of the process: listening per session (on its first outbox
# write) cost more than the rest of a small write's bookkeeping together.
@event.listens_for(Session, "after_commit")
def _wake_lanes(session: Session) -> None:
    lanes: set[Lane] | None = session.info.get(_LANES_TO_WAKE)
    if not lanes or session.in_nested_transaction():  # nothing written, or only a savepoint released
        return
    running_relays.wake(lanes)


@event.listens_for(Session, "after_transaction_end")
def _forget_lanes(session: Session, transaction: SessionTransaction) -> None:
    # After a commit (already woken) or a rollback (no one to wake): the next transaction starts clean.
    lanes: set[Lane] | None = session.info.get(_LANES_TO_WAKE)
    if lanes and transaction.parent is None:
        lanes.clear()
