"""R1 at the platform level: the Kafka broker stops for 30 s under a steady stream of writes
through the gateway across the members, agreements and roadmap services, and starts again.

Every write is answered 2xx, during the outage too: a write needs only its service's database
(the event waits in the outbox). Afterwards every replica equals its source exactly — the
agreements service's view of members, the gateway's feed and record replicas, the roadmap's
implementation actions — with every event filed once and no effect twice. The same processes
carry on: nothing was restarted.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.platform_faults.conftest import Writers
from tests.support.infra import Infrastructure
from tests.support.platform_traffic import Traffic
from tests.support.probe import wait_until
from tests.support.replicas import event_count, platform_databases, wait_until_converged
from tests.support.whole_platform import RunningPlatform

pytestmark = pytest.mark.platform_fault

OUTAGE_S = 30.0
# Writes on either side of the outage: enough to see the stream before and after it.
WRITES_AROUND = 40


async def test_every_write_is_answered_and_every_replica_equals_its_source_after_a_kafka_outage(
    infra: Infrastructure, platform: RunningPlatform, writers: Writers
) -> None:
    pids = {name: process.pid for name, process in platform.processes.items()}
    async with platform_databases(infra, platform) as db:
        # The seeded platform first settles (the agreements service learns the member states).
        await wait_until_converged(db, timeout=90, what="the seeded platform's replicas")
        traffic = Traffic(writers.secretariat, writers.representatives)
        writing = asyncio.create_task(traffic.run(writers=2))
        try:

            async def written(phase: str) -> bool:
                assert not writing.done(), "the writers stopped"
                return traffic.count(phase) >= WRITES_AROUND

            await wait_until(lambda: written("before"), timeout=60, what="writes before the outage")
            await asyncio.to_thread(infra.stop_kafka)
            traffic.phase = "down"
            try:
                await asyncio.sleep(OUTAGE_S)
            finally:
                traffic.phase = "restarting"
                await asyncio.to_thread(infra.start_kafka)
            traffic.phase = "after"
            await wait_until(lambda: written("after"), timeout=60, what="writes after the outage")
        finally:
            traffic.stop.set()
            await writing

        failures = traffic.failures()
        assert not failures, [(f.operation, f.phase, f.status, f.body) for f in failures[:10]]
        down = traffic.count("down")
        # A steady stream: the writers went on through the whole outage.
        assert down >= WRITES_AROUND, f"only {down} writes while the broker was down"

        await wait_until_converged(db, timeout=180, what="every replica equal to its source")
        events = await event_count(db)
        for name, process in platform.processes.items():
            assert process.poll() is None, f"{name} exited; logs in {platform.logs}"
            assert process.pid == pids[name], f"{name} was restarted"
    print(
        f"R1: {len(traffic.answers)} writes in {traffic.rounds} rounds, {down} while Kafka was down "
        f"for {OUTAGE_S:.0f} s, all answered 2xx; {events} events, each filed once in the feed"
    )
