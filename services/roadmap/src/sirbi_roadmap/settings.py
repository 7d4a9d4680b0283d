"""Settings of the roadmap service (environment variables prefixed `SIRBI_ROADMAP_`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD, ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_ROADMAP_", extra="ignore")

    service_name: ClassVar[str] = "roadmap"

    port: int = 8003
    # How often overdue actions are looked for (each is announced once per due date).
    overdue_interval_seconds: float = 60.0
    database_url: SecretStr = SecretStr(
        f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@127.0.0.1:55432/sirbi_roadmap"
    )
