"""The gateway service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_gateway.settings import Settings
from sirbi_gateway.streams import stream
from sirbi_gateway.webhooks import events as _webhook_events  # registers them on the stream
from sirbi_gateway.webhooks.consumer import webhooks_consumer
from sirbi_gateway.webhooks.dispatcher import webhook_dispatcher
from sirbi_gateway.webhooks.endpoints import router as webhooks
from sirbi_shared.service import ServiceDefinition, create_service_app

_registered = (_webhook_events,)


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    return ServiceDefinition(
        name="gateway",
        title="SIRBI gateway",
        description="The one public entrance: sign-in, routing, composed views and event delivery.",
        settings=settings,
        migrations="sirbi_gateway:migrations",
        streams=[stream],
        routers=[webhooks],
        consumers=lambda runtime: [webhooks_consumer(runtime.database, settings)],
        workers=lambda runtime: [webhook_dispatcher(runtime.database, settings)],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
