"""The roadmap service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_roadmap import events  # registers every event model on the stream
from sirbi_roadmap.actions.endpoints import router as actions
from sirbi_roadmap.actions.scheduler import OverdueScheduler
from sirbi_roadmap.demo_data import seed
from sirbi_roadmap.reactions.consumer import reactions_consumer
from sirbi_roadmap.roadmaps.endpoints import router as roadmaps
from sirbi_roadmap.settings import Settings
from sirbi_roadmap.working_groups.endpoints import router as working_groups
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    return ServiceDefinition(
        name="roadmap",
        title="SIRBI roadmap",
        description="The regional roadmap: strategic lines, working groups and their actions.",
        settings=settings,
        migrations="sirbi_roadmap:migrations",
        streams=[events.stream],
        # /working-groups/{id}/board (actions) is its own path: no order constraint between routers.
        routers=[roadmaps, working_groups, actions],
        consumers=lambda runtime: [
            reactions_consumer(
                runtime.database,
                settings.kafka_bootstrap_servers,
                settings.kafka_topic_prefix,
                settings.kafka_replication_factor,
            )
        ],
        workers=lambda runtime: [
            OverdueScheduler(runtime.database, interval_seconds=settings.overdue_interval_seconds)
        ],
        seed=seed,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
