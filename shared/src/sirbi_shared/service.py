"""Assembling a service: the FastAPI app, its background work (relay, consumers) and its CLI.

A service describes itself once with `ServiceDefinition`; `create_service_app` wires the shared
plumbing around it, and `service_main` gives it `serve` and `migrate` commands.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

import uvicorn
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import APIRouter, FastAPI
from pydantic import ValidationError
from starlette.types import ASGIApp

from sirbi_shared.auth.tokens import TokenVerifier
from sirbi_shared.backoff import Backoff
from sirbi_shared.db import Database
from sirbi_shared.events.stream import EventStream
from sirbi_shared.events.topics import ensure_topics
from sirbi_shared.http import health, metrics
from sirbi_shared.http.middleware import BodyLimitMiddleware, TraceContextMiddleware
from sirbi_shared.http.problems import document_problems, install_problem_handlers
from sirbi_shared.inbox.consumer import EventConsumer
from sirbi_shared.inbox.replay import replay_dead_letters
from sirbi_shared.kafka_probe import KafkaProbe
from sirbi_shared.logs import configure_logging
from sirbi_shared.migrations import upgrade_to_head
from sirbi_shared.outbox.relay import OutboxRelay
from sirbi_shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    """What a running service holds: handed to consumer factories and kept on `app.state`."""

    settings: ServiceSettings
    database: Database
    streams: Sequence[EventStream] = ()
    relays: list[OutboxRelay] = field(default_factory=list)
    consumers: list[EventConsumer] = field(default_factory=list)
    workers: dict[str, BackgroundWorker] = field(default_factory=dict)


ConsumerFactory = Callable[[ServiceRuntime], Sequence[EventConsumer]]
# Loads the service's demo/reference data; must be idempotent (`make up` runs it every time).
Seeder = Callable[[Database], Awaitable[None]]


class BackgroundWorker(Protocol):
    """Long-running work of a service besides relays and consumers (e.g. import jobs)."""

    name: str

    async def run(self) -> None: ...


WorkerFactory = Callable[[ServiceRuntime], Sequence[BackgroundWorker]]
# Something a service holds open while it runs (a pooled HTTP client, …): entered after the
# database, exited before it; it puts what endpoints need on `app.state`.
Resource = Callable[[FastAPI, ServiceRuntime], AbstractAsyncContextManager[None]]


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    settings: ServiceSettings
    migrations: str  # Alembic script location, e.g. "sirbi_members:migrations"
    streams: Sequence[EventStream] = ()
    routers: Sequence[APIRouter] = ()
    consumers: ConsumerFactory = lambda _runtime: ()
    seed: Seeder | None = None
    workers: WorkerFactory = lambda _runtime: ()
    resources: Sequence[Resource] = ()
    # ASGI middleware of the service's own, outermost last (e.g. the gateway's CORS and rate limits).
    middleware: Sequence[Callable[[FastAPI], None]] = ()
    # Path prefix -> largest request body, for endpoints that take uploads.
    body_limits: Mapping[str, int] = field(default_factory=dict)
    # Served at / for every path no route answers (the gateway's web frontend).
    site: ASGIApp | None = None
    version: str = "0.1.0"


async def _declare_topics(settings: ServiceSettings, stream: EventStream) -> None:
    """Create the stream's topics, retrying until Kafka answers (it may start after us)."""
    backoff = Backoff(initial=0.5, maximum=10.0)
    while True:
        try:
            await ensure_topics(
                settings.kafka_bootstrap_servers,
                [spec.prefixed(settings.kafka_topic_prefix) for spec in stream.topics()],
                replication_factor=settings.kafka_replication_factor,
            )
            return
        except Exception as exc:
            delay = backoff.next_delay()
            log.warning("cannot create topics yet", extra={"error": repr(exc), "retry_in_s": round(delay, 2)})
            await asyncio.sleep(delay)


async def _publish_stream(settings: ServiceSettings, stream: EventStream, relay: OutboxRelay) -> None:
    await _declare_topics(settings, stream)
    await relay.run()


async def _seed(definition: ServiceDefinition) -> None:
    assert definition.seed is not None
    database = Database(definition.settings.database_url.get_secret_value(), pool_size=2)
    try:
        await definition.seed(database)
    finally:
        await database.dispose()


def create_service_app(definition: ServiceDefinition) -> FastAPI:
    settings = definition.settings
    configure_logging(definition.name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings.database_url.get_secret_value(), pool_size=settings.database_pool_size)
        probe = KafkaProbe(settings.kafka_bootstrap_servers)
        runtime = ServiceRuntime(settings=settings, database=database, streams=definition.streams)
        app.state.database = database
        app.state.runtime = runtime
        app.state.readiness_checks = {"database": database.ping, "kafka": probe.check}
        tasks: list[asyncio.Task[None]] = []
        for stream in definition.streams:
            # One relay lane per topic: a burst on one stream never delays another.
            relay = OutboxRelay(
                service=definition.name,
                topic=stream.topic,
                kafka_topic=settings.kafka_topic_prefix + stream.topic,
                dsn=database.asyncpg_dsn,
                bootstrap_servers=settings.kafka_bootstrap_servers,
            )
            runtime.relays.append(relay)
            tasks.append(asyncio.create_task(_publish_stream(settings, stream, relay)))
        runtime.consumers = list(definition.consumers(runtime))
        tasks.extend(asyncio.create_task(consumer.run()) for consumer in runtime.consumers)
        resources = AsyncExitStack()
        for resource in definition.resources:
            await resources.enter_async_context(resource(app, runtime))
        runtime.workers = {worker.name: worker for worker in definition.workers(runtime)}
        tasks.extend(asyncio.create_task(worker.run()) for worker in runtime.workers.values())
        # Everything built so far (modules, ORM mappings, pydantic schemas, compiled statements)
        # lives as long as the process; keep the cyclic GC from walking it again on every full
        # collection. Bulk work allocating millions of objects was spending a third of its time there.
        gc.freeze()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            if tasks:
                _, stuck = await asyncio.wait(tasks, timeout=15)
                if stuck:
                    log.warning("background tasks did not stop in time", extra={"tasks": len(stuck)})
            await resources.aclose()
            await probe.close()
            await database.dispose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
    )
    app.state.token_verifier = (
        TokenVerifier.from_file(
            settings.jwt_public_key_file, issuer=settings.jwt_issuer, audience=settings.jwt_audience
        )
        if settings.jwt_public_key_file and settings.jwt_public_key_file.exists()
        else None
    )
    install_problem_handlers(app)
    document_problems(app)
    # Outermost first: request id and trace context exist before anything logs or fails.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, overrides=definition.body_limits
    )
    app.add_middleware(metrics.RequestMetricsMiddleware)
    app.add_middleware(TraceContextMiddleware)
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID", update_request_header=True)
    for add_middleware in definition.middleware:
        add_middleware(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    for router in definition.routers:
        app.include_router(router)
    if definition.site is not None:
        app.mount("/", definition.site, name="site")
    return app


def service_main(
    definition_factory: Callable[[], ServiceDefinition], argv: Sequence[str] | None = None
) -> int:
    """The `python -m sirbi_<service>` command line: `serve` (default), `migrate`, `seed`, or
    `replay-dead-letters TOPIC` (docs/operations.md)."""
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "command", nargs="?", choices=["serve", "migrate", "seed", "replay-dead-letters"], default="serve"
    )
    parser.add_argument("topic", nargs="?", help="replay-dead-letters: the stream, e.g. sirbi.members.v1")
    parser.add_argument("--consumer", help="replay-dead-letters: only the letters of this consumer")
    parser.add_argument(
        "--from-beginning", action="store_true", help="replay-dead-letters: every letter, not just new ones"
    )
    args = parser.parse_args(argv)
    try:
        definition = definition_factory()
    except ValidationError as exc:
        # Refused settings stop the service with the reasons only: pydantic's own message repeats
        # the input values, and those are the environment's secrets.
        for error in exc.errors(include_url=False, include_input=False, include_context=False):
            where = ".".join(str(part) for part in error["loc"])
            sys.stderr.write(f"cannot start: {exc.title}: {where + ': ' if where else ''}{error['msg']}\n")
        return 2
    settings = definition.settings
    if args.command == "replay-dead-letters":
        if not args.topic:
            parser.error("replay-dead-letters needs the topic, e.g. sirbi.members.v1")
        configure_logging(definition.name, settings.log_level)
        report = asyncio.run(
            replay_dead_letters(
                settings.kafka_bootstrap_servers,
                settings.kafka_topic_prefix + args.topic,
                consumer=args.consumer,
                from_beginning=args.from_beginning,
            )
        )
        print(  # noqa: T201
            f"replayed {report.replayed} dead letters; passed over {report.passed_over}; "
            f"{report.already_sent} of records already sent back"
        )
        return 0
    if args.command == "migrate":
        configure_logging(definition.name, settings.log_level)
        upgrade_to_head(definition.migrations, settings.database_url.get_secret_value())
        return 0
    if args.command == "seed":
        configure_logging(definition.name, settings.log_level)
        if definition.seed is not None:
            asyncio.run(_seed(definition))
        return 0
    uvicorn.run(
        create_service_app(definition),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )
    return 0
