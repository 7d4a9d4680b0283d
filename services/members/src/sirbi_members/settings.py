"""Settings of the members service (environment variables prefixed `SIRBI_MEMBERS_`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD, ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SIRBI_MEMBERS_", extra="ignore")

    service_name: ClassVar[str] = "members"

    port: int = 8001
    # Uploaded directory files wait here until their import finishes (kept across restarts).
    import_dir: Path = Path(tempfile.gettempdir()) / "sirbi-members-imports"
    max_import_bytes: int = 512 * 1024 * 1024
    database_url: SecretStr = SecretStr(
        f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@127.0.0.1:55432/sirbi_members"
    )
