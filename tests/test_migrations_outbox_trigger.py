"""Every service's migrations drop the outbox's NOTIFY trigger, and give it back on the way down."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from sqlalchemy import text

from sirbi_shared.db import Database
from sirbi_shared.migrations import alembic_config, upgrade_to_head
from tests.support.infra import Infrastructure

# Each service's revision just before the one that drops the trigger.
BEFORE_THE_DROP = {"members": "0006", "agreements": "0004", "roadmap": "0004", "gateway": "0005"}


@pytest.mark.parametrize("service", sorted(BEFORE_THE_DROP))
async def test_the_outbox_trigger_is_gone_at_head_and_back_before_its_drop(
    infra: Infrastructure, database_name: str, service: str
) -> None:
    url = infra.postgres_url(database_name)
    migrations = f"sirbi_{service}:migrations"
    # Alembic's env runs its own event loop: give it a thread without one.
    await asyncio.to_thread(upgrade_to_head, migrations, url)
    assert await _outbox_triggers(url) == []
    await asyncio.to_thread(command.downgrade, alembic_config(migrations, url), BEFORE_THE_DROP[service])
    assert await _outbox_triggers(url) == ["outbox_notify"]
    await asyncio.to_thread(upgrade_to_head, migrations, url)
    assert await _outbox_triggers(url) == []


async def _outbox_triggers(url: str) -> list[str]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            names = await session.execute(
                text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND NOT tgisinternal")
            )
            return list(names.scalars())
    finally:
        await database.dispose()
