"""Settings of the gateway service (environment variables prefixed `SIRBI_GATEWAY_`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Self

from pydantic import EmailStr, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD, Environment, ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: ClassVar[str] = "gateway"

    port: int = 8000
    database_url: SecretStr = SecretStr(
        f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@127.0.0.1:55432/sirbi_gateway"
    )
    # The gateway signs access tokens; the services only verify them.
    jwt_private_key_file: Path | None = Field(default=None, validation_alias="SIRBI_JWT_PRIVATE_KEY_FILE")
    # Where the services answer (the launcher and docker-compose set these).
    members_url: str = Field(default="http://127.0.0.1:8001", validation_alias="SIRBI_MEMBERS_URL")
    agreements_url: str = Field(default="http://127.0.0.1:8002", validation_alias="SIRBI_AGREEMENTS_URL")
    roadmap_url: str = Field(default="http://127.0.0.1:8003", validation_alias="SIRBI_ROADMAP_URL")
    # The members service's own limit on a directory upload (its SIRBI_MEMBERS_MAX_IMPORT_BYTES):
    # the gateway lets an import that large through to it instead of refusing it at max_body_bytes.
    members_max_import_bytes: int = Field(
        default=512 * 1024 * 1024, validation_alias="SIRBI_MEMBERS_MAX_IMPORT_BYTES"
    )
    # How long a country profile waits for each service before marking its part unavailable.
    profile_part_timeout_seconds: float = 2.0
    # The first secretariat account, created on first start when no user exists yet.
    # Checked at start-up, so a mistyped address or a short password stops the gateway with a reason.
    first_secretariat_email: EmailStr | None = None
    first_secretariat_password: SecretStr | None = Field(default=None, min_length=12)
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    # Browsers allowed to call the API (the web frontend when served from elsewhere, e.g. Vite's dev server).
    cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:5173", "http://localhost:5173"]
    )
    # Where asyncapi.json (or events/asyncapi.json) and integrators.md are: the repository's docs/
    # when run from a checkout, /app/docs in the image.
    docs_dir: Path = Path(__file__).resolve().parents[4] / "docs"
    # The built web frontend (`make web`): served at / with every other path left to its router.
    web_dir: Path = Path(__file__).resolve().parents[4] / "web" / "dist"
    # Rate limits, in the `limits` library's notation.
    login_limit_per_account: str = "10/5minutes"
    login_limit_per_address: str = "30/5minutes"
    api_limit_per_client: str = "1200/minute"

    # --- webhooks (ADR 0013) ----------------------------------------------------------------
    # Retries: exponential from the first delay, capped, with jitter; a delivery still failing
    # after the window is marked failed. A subscription failing that many attempts in a row over
    # at least that span is disabled (its backlog kept).
    webhook_retry_initial_seconds: float = 5.0
    webhook_retry_factor: float = 2.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_give_up_after_seconds: float = 24 * 3600.0
    webhook_disable_after_failures: int = 30
    webhook_disable_after_seconds: float = 24 * 3600.0
    webhook_poll_seconds: float = 1.0
    webhook_batch_size: int = 50
    webhook_timeout_seconds: float = 10.0
    # After a rotation the old secret keeps signing this long, beside the new one.
    webhook_secret_grace_seconds: float = 24 * 3600.0
    # Deliveries to private addresses (webhooks/targets.py): unset, allowed outside production
    # only (a developer's receiver on 127.0.0.1), refused in production.
    webhook_private_targets: bool | None = None

    @property
    def webhook_private_targets_allowed(self) -> bool:
        if self.webhook_private_targets is not None:
            return self.webhook_private_targets
        return self.environment is not Environment.PRODUCTION

    # --- end of webhooks ---------------------------------------------------------------------

    @model_validator(mode="after")
    def _production_secrets(self) -> Self:
        if self.environment is Environment.PRODUCTION:
            if self.jwt_private_key_file is None:
                raise ValueError("refusing production settings: SIRBI_JWT_PRIVATE_KEY_FILE is not set")
            if not self.jwt_private_key_file.is_file():
                # Sign-in would answer 503 for good: better to stop now and say why.
                raise ValueError(
                    f"refusing production settings: SIRBI_JWT_PRIVATE_KEY_FILE {self.jwt_private_key_file}"
                    " is not a file"
                )
            password = self.first_secretariat_password
            if password is not None and password.get_secret_value() in DEFAULT_SECRETS:
                raise ValueError(
                    "refusing production settings: SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD:"
                    " the first secretariat password is a default"
                )
            if (self.first_secretariat_email is None) != (password is None):
                # One without the other makes no account, silently: a platform nobody can sign in to.
                raise ValueError(
                    "refusing production settings: SIRBI_GATEWAY_FIRST_SECRETARIAT_EMAIL and"
                    " SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD are set together or not at all"
                )
        return self


# The first secretariat password docker-compose falls back to on a laptop; never in production.
LOCAL_SECRETARIAT_PASSWORD = "cambia-esta-contraseña"  # noqa: S105 - a documented local default
DEFAULT_SECRETS = {LOCAL_SECRETARIAT_PASSWORD, "change-this-password"}
