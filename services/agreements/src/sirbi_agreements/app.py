"""The agreements service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_agreements.events import stream
from sirbi_agreements.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        name="agreements",
        title="SIRBI agreements",
        description="Cooperation agreements (convenios) between member states, networks and partners.",
        settings=settings or Settings(),
        migrations="sirbi_agreements:migrations",
        streams=[stream],
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
