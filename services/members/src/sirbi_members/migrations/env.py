"""Alembic environment of the members service database."""

from sirbi_shared.migrations import run_env
from sirbi_members.settings import Settings

run_env(target_metadata=None, default_url=lambda: Settings().database_url.get_secret_value())
