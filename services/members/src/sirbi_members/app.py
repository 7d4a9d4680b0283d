"""The members service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_members import events  # registers every event model on the streams
from sirbi_members.demo_data import seed
from sirbi_members.imports.endpoints import router as directory_imports
from sirbi_members.imports.runner import DirectoryImportRunner
from sirbi_members.libraries.endpoints import router as libraries
from sirbi_members.member_states.endpoints import router as member_states
from sirbi_members.networks.endpoints import router as networks
from sirbi_members.representatives.endpoints import router as representatives
from sirbi_members.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    spool_dir = settings.import_dir
    return ServiceDefinition(
        name="members",
        title="SIRBI members",
        description="Member states, national library networks, representatives and the library directory.",
        settings=settings,
        migrations="sirbi_members:migrations",
        streams=[events.members_stream, events.directory_stream],
        # /libraries/imports before any /libraries/{id} route, which would otherwise match it.
        routers=[member_states, networks, representatives, directory_imports, libraries],
        seed=seed,
        workers=lambda runtime: [DirectoryImportRunner(runtime.database, spool_dir)],
        body_limits={"/libraries/imports": settings.max_import_bytes},
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
