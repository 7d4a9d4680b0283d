"""The gateway service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_gateway.activity.consumer import activity_consumer
from sirbi_gateway.activity.endpoints import router as activity
from sirbi_gateway.activity.notifications import ActivityNotifier
from sirbi_gateway.dashboard.endpoints import router as dashboard
from sirbi_gateway.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    return ServiceDefinition(
        name="gateway",
        title="SIRBI gateway",
        description="The one public entrance: sign-in, routing, composed views and event delivery.",
        settings=settings,
        migrations="sirbi_gateway:migrations",
        routers=[
            activity,
            dashboard,
        ],
        consumers=lambda runtime: [
            activity_consumer(runtime.database, settings),
        ],
        workers=lambda runtime: [
            ActivityNotifier(runtime.database.asyncpg_dsn),
        ],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
