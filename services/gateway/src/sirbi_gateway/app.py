"""The gateway's FastAPI application: the one public entrance of the platform."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from sirbi_gateway import events  # registers every event model on the stream
from sirbi_gateway.activity.endpoints import router as activity_router
from sirbi_gateway.activity.notifications import ActivityNotifier
from sirbi_gateway.country_profiles.endpoints import router as country_profiles_router
from sirbi_gateway.country_profiles.sources import profile_sources_resource
from sirbi_gateway.dashboard.endpoints import router as dashboard_router
from sirbi_gateway.documentation.endpoints import router as documentation_router
from sirbi_gateway.identity.bootstrap import FirstSecretariat
from sirbi_gateway.identity.endpoints import router as identity_router
from sirbi_gateway.identity.signing import signing_resource
from sirbi_gateway.intake import intake_consumer
from sirbi_gateway.routing.endpoints import router as routing_router
from sirbi_gateway.routing.upstreams import upstreams_resource
from sirbi_gateway.security_headers import SecurityHeaders
from sirbi_gateway.settings import Settings
from sirbi_gateway.throttling import ApiRateLimit, Throttles
from sirbi_gateway.web import WebApp
from sirbi_gateway.webhooks.dispatcher import webhook_dispatcher
from sirbi_gateway.webhooks.endpoints import router as webhooks_router
from sirbi_shared.service import ServiceDefinition, create_service_app
from sirbi_shared.settings import Environment


def definition(settings: Settings | None = None) -> ServiceDefinition:
    settings = settings or Settings()
    throttles = Throttles(
        settings.login_limit_per_account, settings.login_limit_per_address, settings.api_limit_per_client
    )

    def add_rate_limit(app: FastAPI) -> None:
        app.state.throttles = throttles
        app.add_middleware(ApiRateLimit, throttles=throttles)

    def add_security_headers(app: FastAPI) -> None:
        app.add_middleware(SecurityHeaders, https=settings.environment is Environment.PRODUCTION)

    def add_cors(app: FastAPI) -> None:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "X-API-Key",
                "X-Request-ID",
                "Last-Event-ID",
            ],
            expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID"],
            max_age=600,
        )

    return ServiceDefinition(
        name="gateway",
        title="SIRBI gateway",
        description="The one public entrance: sign-in, routing, composed views and event delivery.",
        settings=settings,
        migrations="sirbi_gateway:migrations",
        streams=[events.stream],
        routers=[
            routing_router,  # first: most requests are proxied, and its prefixes are its own
            identity_router,
            activity_router,
            dashboard_router,
            country_profiles_router,
            webhooks_router,
            documentation_router,
        ],
        resources=[
            signing_resource(settings),
            upstreams_resource(settings),
            profile_sources_resource(settings.profile_part_timeout_seconds),
        ],
        consumers=lambda runtime: [intake_consumer(runtime.database, settings)],
        workers=lambda runtime: [
            FirstSecretariat(runtime.database, settings),
            ActivityNotifier(runtime.database.asyncpg_dsn),
            webhook_dispatcher(runtime.database, settings),
        ],
        # Inner first: the rate limit answers inside the request id; CORS wraps everything.
        middleware=[add_rate_limit, add_security_headers, add_cors],
        site=WebApp(settings.web_dir),
        # Directory CSVs are streamed on to the members service, which holds them to its own limit.
        body_limits={"/api/members/libraries/imports": settings.members_max_import_bytes},
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(definition(settings))
