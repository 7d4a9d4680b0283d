"""A service under test: its app started in-process (relays, consumers and workers running),
its own migrated database, a topic prefix of its own (or shared with the services it talks to)
and the real Kafka."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from sirbi_shared.auth import Role, TokenIssuer
from sirbi_shared.db import Database
from sirbi_shared.migrations import upgrade_to_head
from tests.support.infra import Infrastructure


@dataclass
class ServiceUnderTest:
    app: FastAPI
    client: httpx.AsyncClient
    issuer: TokenIssuer
    database: Database
    topic_prefix: str
    infra: Infrastructure

    def auth(self, *roles: Role, country: str | None = None, subject: str = "tester") -> dict[str, str]:
        token = self.issuer.mint(subject, list(roles), country=country)
        return {"Authorization": f"Bearer {token}"}

    @property
    def secretariat(self) -> dict[str, str]:
        return self.auth(Role.SECRETARIAT, subject="ana.secretariat")

    def representative(self, country: str) -> dict[str, str]:
        return self.auth(Role.REPRESENTATIVE, country=country, subject=f"rep.{country.lower()}")

    def topic(self, logical: str) -> str:
        return self.topic_prefix + logical


@asynccontextmanager
async def started_service(
    infra: Infrastructure,
    database_name: str,
    *,
    name: str,
    migrations: str,
    create_app: Callable[[Any], FastAPI],
    settings_class: Callable[..., Any],
    topic_prefix: str,
    issuer: TokenIssuer | None = None,
    prepare: Callable[[FastAPI, TokenIssuer], None] | None = None,
    **settings: Any,
) -> AsyncIterator[ServiceUnderTest]:
    url = infra.postgres_url(database_name)
    # Alembic's env runs its own event loop: give it a thread without one.
    await asyncio.to_thread(upgrade_to_head, migrations, url)
    app = create_app(
        settings_class(
            database_url=SecretStr(url),
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            kafka_topic_prefix=topic_prefix,
            **settings,
        )
    )
    issuer = issuer or TokenIssuer.for_tests()
    app.state.token_verifier = issuer.verifier()
    if prepare is not None:
        prepare(app, issuer)  # e.g. the gateway also signs with the test issuer
    database = Database(url)
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url=f"http://{name}") as client,
        ):
            yield ServiceUnderTest(app, client, issuer, database, topic_prefix, infra)
    finally:
        await database.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def http_server(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app (already started: its lifespan is the caller's) on a real port of this
    machine, for callers that must go over HTTP (the gateway's proxy); yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False)
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
