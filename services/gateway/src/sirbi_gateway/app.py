"""The gateway service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_gateway.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="gateway",
        title="SIRBI gateway",
        description="The one public entrance: sign-in, routing, composed views and event delivery.",
        settings=settings or Settings(),
        migrations="sirbi_gateway:migrations",
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
