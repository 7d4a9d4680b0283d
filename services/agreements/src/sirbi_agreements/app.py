"""The agreements service's FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from sirbi_agreements import events  # registers every event model on the stream
from sirbi_agreements.agreements.endpoints import router as agreements
from sirbi_agreements.agreements.scheduler import AgreementScheduler
from sirbi_agreements.demo_data import seed
from sirbi_agreements.member_facts.consumer import member_facts_consumer
from sirbi_agreements.partners.endpoints import router as partners
from sirbi_agreements.settings import Settings
from sirbi_shared.service import ServiceDefinition, create_service_app


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    return ServiceDefinition(
        name="agreements",
        title="SIRBI agreements",
        description="Cooperation agreements (convenios) between member states, networks and partners.",
        settings=settings,
        migrations="sirbi_agreements:migrations",
        streams=[events.stream],
        routers=[agreements, partners],
        consumers=lambda runtime: [
            member_facts_consumer(
                runtime.database,
                settings.kafka_bootstrap_servers,
                settings.kafka_topic_prefix,
                settings.kafka_replication_factor,
            )
        ],
        workers=lambda runtime: [
            AgreementScheduler(
                runtime.database,
                interval_seconds=settings.scheduler_interval_seconds,
                notice_days=settings.expiry_notice_days,
            )
        ],
        seed=seed,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
