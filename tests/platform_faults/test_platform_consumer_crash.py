"""R2 at the platform level: each consuming service — agreements (its member replica), roadmap
(its reactions to agreements) and the gateway (its feed, record replicas and webhook intake) — is
killed with SIGKILL while it is consuming a steady stream of writes made through the gateway, and
started again.

Afterwards there is no gap and no duplicate effect: every replica equals its source, the feed
holds every event once, each agreement in force has one implementation action. While a service
is down only its own requests fail, as the gateway's 502/503/504 problems (or, while the gateway
itself is down, as refused connections); every other write is answered 2xx.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.platform_faults.conftest import Writers
from tests.support.infra import Infrastructure
from tests.support.platform_traffic import OPERATION_SERVICE, Traffic, Written
from tests.support.probe import wait_until
from tests.support.replicas import PlatformDatabases, event_count, platform_databases, wait_until_converged
from tests.support.whole_platform import RunningPlatform

pytestmark = pytest.mark.platform_fault

CONSUMERS = ("agreements", "roadmap", "gateway")
# Writes between two kills: each service comes back into a stream that is still flowing.
WRITES_BETWEEN = 30
DOWN_S = 3.0
GATEWAY_PROBLEMS = {502, 503, 504}


async def _consumed(db: PlatformDatabases, service: str) -> int:
    return int((await db.rows(service, "SELECT count(*) FROM inbox"))[0][0])


def _allowed(answer: Written) -> bool:
    """A failure is expected only for a request sent while its service (or the gateway) was down."""
    if not answer.phase.startswith("down:"):
        return False
    down = answer.phase.removeprefix("down:")
    if down == "gateway":
        return answer.status is None or answer.status in GATEWAY_PROBLEMS
    return OPERATION_SERVICE[answer.operation] == down and answer.status in GATEWAY_PROBLEMS


async def test_consumers_killed_mid_stream_leave_no_gap_and_no_duplicate_effect(
    infra: Infrastructure, platform: RunningPlatform, writers: Writers
) -> None:
    pids = {name: process.pid for name, process in platform.processes.items()}
    async with platform_databases(infra, platform) as db:
        await wait_until_converged(db, timeout=90, what="the seeded platform's replicas")
        traffic = Traffic(writers.secretariat, writers.representatives)
        writing = asyncio.create_task(traffic.run(writers=2))
        mid_stream: dict[str, int] = {}
        try:
            for service in CONSUMERS:
                before = len(traffic.answers)

                async def flowing(before: int = before) -> bool:
                    assert not writing.done(), "the writers stopped"
                    return len(traffic.answers) - before >= WRITES_BETWEEN

                await wait_until(flowing, timeout=60, what=f"writes before killing {service}")
                # Mid-stream: the consumer is taking events at the moment it is killed.
                consumed = await _consumed(db, service)

                async def consuming(service: str = service, consumed: int = consumed) -> bool:
                    return await _consumed(db, service) > consumed

                await wait_until(consuming, timeout=30, interval=0.02, what=f"{service} consuming")
                traffic.phase = f"down:{service}"
                await asyncio.to_thread(platform.kill, service)
                mid_stream[service] = await _consumed(db, service)
                await asyncio.sleep(DOWN_S)
                await asyncio.to_thread(platform.start, service)
                traffic.phase = f"after:{service}"
            after = len(traffic.answers)

            async def flowing_at_the_end() -> bool:
                return len(traffic.answers) - after >= WRITES_BETWEEN

            await wait_until(flowing_at_the_end, timeout=60, what="writes after the last restart")
        finally:
            traffic.stop.set()
            await writing

        unexpected = [a for a in traffic.failures() if not _allowed(a)]
        assert not unexpected, [(a.operation, a.phase, a.status, a.body) for a in unexpected[:10]]
        for service in CONSUMERS:
            succeeded_after = [a for a in traffic.answers if a.phase == f"after:{service}" and a.status]
            assert succeeded_after, f"no write answered after {service} came back"

        await wait_until_converged(db, timeout=180, what="every replica equal to its source")
        events = await event_count(db)
        for name, process in platform.processes.items():
            assert process.poll() is None, f"{name} exited; logs in {platform.logs}"
            restarted = process.pid != pids[name]
            assert restarted == (name in CONSUMERS), name
    refused = len(traffic.failures())
    print(
        f"R2: {len(traffic.answers)} writes, {refused} refused while their service was down; "
        f"inbox sizes when killed: {mid_stream}; {events} events, each filed once, no effect twice"
    )
