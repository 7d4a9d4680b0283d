"""The roadmap service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_roadmap.events import stream
from sirbi_roadmap.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="roadmap",
        title="SIRBI roadmap",
        description="The regional cooperation roadmap, its working groups and their actions.",
        settings=settings or Settings(),
        migrations="sirbi_roadmap:migrations",
        streams=[stream],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
