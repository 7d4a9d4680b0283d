"""A consumer in its own process, for the SIGKILL test: `python -m tests.support.consumer_process`.

It applies `Recorded` events of one topic (one `effects` row each, a few milliseconds apiece so
a kill lands mid-batch), and when `effects` holds `--expect` rows it prints its stats as JSON
and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer
from tests.support.probe import record_effect


async def _main(args: argparse.Namespace) -> int:
    database = Database(args.database_url)
    consumer = EventConsumer(
        name=args.group,
        database=database,
        bootstrap_servers=args.bootstrap,
        topics=[args.topic],
        max_records=1000,
    )

    @consumer.on(args.event_type)
    async def slow_effect(event: CloudEvent, session: AsyncSession) -> None:
        await record_effect(event, session)
        await asyncio.sleep(args.delay_ms / 1000)

    task = asyncio.create_task(consumer.run())
    try:
        while True:
            async with database.transaction() as session:
                done = (await session.execute(text("SELECT count(DISTINCT seq) FROM effects"))).scalar_one()
            if done >= args.expect:
                break
            await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await database.dispose()
    print(json.dumps(dataclasses.asdict(consumer.stats)), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("--bootstrap", "--database-url", "--topic", "--group", "--event-type"):
        parser.add_argument(name, required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    return asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
