"""Settings every service shares; each service subclasses `ServiceSettings` with its env prefix.

Platform-wide values (Kafka, keys, environment) use fixed `SIRBI_*` names so one environment
serves all services; per-service values (database, port) take the service's prefix, e.g.
`SIRBI_MEMBERS_DATABASE_URL`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Local defaults are fine on a laptop and refused in production (see ServiceSettings._production).
LOCAL_DATABASE_PASSWORD = "sirbi-local"  # noqa: S105 - a documented local default, refused in production


class Environment(StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None, populate_by_name=True)

    service_name: ClassVar[str]

    environment: Environment = Field(default=Environment.LOCAL, validation_alias="SIRBI_ENVIRONMENT")
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: SecretStr
    # Enough for the gateway's concurrent requests: past it, connections are opened and closed per
    # request (an overflow), each paying for authentication.
    database_pool_size: int = 20
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias="SIRBI_KAFKA_BOOTSTRAP_SERVERS"
    )
    kafka_replication_factor: int = Field(default=1, validation_alias="SIRBI_KAFKA_REPLICATION_FACTOR")
    # Environments sharing one Kafka cluster (or isolated tests) prefix every physical topic name.
    kafka_topic_prefix: str = Field(default="", validation_alias="SIRBI_KAFKA_TOPIC_PREFIX")
    jwt_public_key_file: Path | None = Field(default=None, validation_alias="SIRBI_JWT_PUBLIC_KEY_FILE")
    jwt_issuer: str = Field(default="sirbi-gateway", validation_alias="SIRBI_JWT_ISSUER")
    jwt_audience: str = Field(default="sirbi", validation_alias="SIRBI_JWT_AUDIENCE")
    log_level: str = Field(default="INFO", validation_alias="SIRBI_LOG_LEVEL")
    max_body_bytes: int = Field(default=1_048_576, validation_alias="SIRBI_MAX_BODY_BYTES")

    @model_validator(mode="after")
    def _production(self) -> Self:
        """Production refuses the local defaults: a platform must never run on them by accident."""
        if self.environment is Environment.PRODUCTION:
            problems = []
            if LOCAL_DATABASE_PASSWORD in self.database_url.get_secret_value():
                problems.append("database_url uses the local default password")
            if self.jwt_public_key_file is None:
                problems.append("SIRBI_JWT_PUBLIC_KEY_FILE is not set")
            elif not self.jwt_public_key_file.is_file():
                # Outside production a missing key only disables sign-in checks (503); in production
                # the service would run unable to verify anyone, so it must not start.
                problems.append(f"SIRBI_JWT_PUBLIC_KEY_FILE {self.jwt_public_key_file} is not a file")
            if problems:
                raise ValueError("refusing production settings: " + "; ".join(problems))
        return self
