"""Alembic environment of the gateway service database."""

from sirbi_gateway.settings import Settings
from sirbi_shared.migrations import run_env


def _database_url() -> str:
    # Read only when no URL was handed over (the alembic CLI), not on every import.
    return Settings().database_url.get_secret_value()


run_env(target_metadata=None, default_url=_database_url)
