"""The first secretariat account, from the environment, on the first start of a platform."""

from __future__ import annotations

import logging

from sirbi_gateway.identity import service
from sirbi_gateway.settings import Settings
from sirbi_shared.db import Database

log = logging.getLogger(__name__)


class FirstSecretariat:
    """Runs once at start-up: creates the account only while the platform has no user at all."""

    name = "first-secretariat"

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings

    async def run(self) -> None:
        email, password = self.settings.first_secretariat_email, self.settings.first_secretariat_password
        if not email or password is None:
            return
        async with self.database.transaction() as session:
            user = await service.ensure_first_secretariat(session, email, password.get_secret_value())
        if user is not None:
            log.info("first secretariat account created", extra={"user_id": str(user.id)})
