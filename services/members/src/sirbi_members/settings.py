"""Settings of the members service (environment variables prefixed `SIRBI_MEMBERS_`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD, ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_MEMBERS_", extra="ignore")

    service_name: ClassVar[str] = "members"

    port: int = 8001
    database_url: SecretStr = SecretStr(
        f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@127.0.0.1:55432/sirbi_members"
    )
