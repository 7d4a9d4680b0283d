"""The gateway service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_gateway.activity.consumer import activity_consumer
from sirbi_gateway.activity.endpoints import router as activity
from sirbi_gateway.activity.notifications import ActivityNotifier
from sirbi_gateway.country_profiles.endpoints import router as country_profiles
from sirbi_gateway.country_profiles.sources import ProfileSources, ServiceAddresses
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
            country_profiles,
        ],
        consumers=lambda runtime: [
            activity_consumer(runtime.database, settings),
        ],
        workers=lambda runtime: [
            ActivityNotifier(runtime.database.asyncpg_dsn),
            ProfileSources(
                ServiceAddresses(settings.members_url, settings.agreements_url, settings.roadmap_url),
                settings.profile_part_timeout_seconds,
            ),
        ],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
