"""`/api/members/…`, `/api/agreements/…`, `/api/roadmap/…`: each service's own API, unchanged,
behind the gateway (its operations are documented in the combined OpenAPI at /api/openapi.json).

Each service is a plain ASGI app mounted at its prefix: a proxied request needs no parameters,
dependencies or response model, and skipping FastAPI's route machinery for it is a sizeable part
of what the gateway adds to a read (docs/performance.md).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from sirbi_gateway.routing.proxy import forward

SERVICES = ("members", "agreements", "roadmap")


class ServiceProxy:
    """Everything under `/api/<service>` goes to that service."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.prefix = f"/api/{service}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        # The path as the caller encoded it (`raw_path`), since it goes on with the same encoding.
        raw = scope.get("raw_path")
        full = raw.decode("latin-1") if raw else scope["path"]
        path = full.split(self.prefix, 1)[1].lstrip("/")
        response = await forward(request, self.service, path)
        await response(scope, receive, send)


router = APIRouter()
router.routes.extend(Mount(f"/api/{service}", app=ServiceProxy(service)) for service in SERVICES)
