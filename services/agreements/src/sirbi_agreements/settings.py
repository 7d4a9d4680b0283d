"""Settings of the agreements service (environment variables prefixed `SIRBI_AGREEMENTS_`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD, ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_AGREEMENTS_", extra="ignore")

    service_name: ClassVar[str] = "agreements"

    port: int = 8002
    # How often the agreements calendar looks for agreements to bring into force, end or announce.
    scheduler_interval_seconds: float = 60.0
    # Agreements in force ending within this many days are announced (once per end date).
    expiry_notice_days: int = 90
    database_url: SecretStr = SecretStr(
        f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@127.0.0.1:55432/sirbi_agreements"
    )
