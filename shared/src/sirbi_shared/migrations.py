"""Alembic wiring: each service keeps its own history in `<package>/migrations`.

`upgrade_to_head` is what `python -m sirbi_<service> migrate` and the tests call; `run_env` is
what every service's `migrations/env.py` calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

# Two replicas starting together must not migrate the same database at once.
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('sirbi.migrations'))"


def alembic_config(script_location: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(script_location: str, database_url: str) -> None:
    command.upgrade(alembic_config(script_location, database_url), "head")


def _migrate(connection: Connection, target_metadata: MetaData | None) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        connection.execute(text(_MIGRATION_LOCK))
        context.run_migrations()


async def _run_online(url: str, target_metadata: MetaData | None) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate, target_metadata)
    finally:
        await engine.dispose()


def run_env(target_metadata: MetaData | None, default_url: Callable[[], str]) -> None:
    """Body of a service's env.py: online migrations only (we always have the database).

    The URL comes from `upgrade_to_head`, or, for the alembic CLI, from the service's settings.
    """
    url = context.config.attributes.get("database_url") or default_url()
    asyncio.run(_run_online(url, target_metadata))
