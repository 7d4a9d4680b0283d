"""`/api/members/…`, `/api/agreements/…`, `/api/roadmap/…`: each service's own API, unchanged,
behind the gateway (its operations are documented in the combined OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from sirbi_gateway.routing.proxy import forward

router = APIRouter()
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


@router.api_route("/api/members/{path:path}", methods=_METHODS, include_in_schema=False)
async def members(request: Request, path: str) -> Response:
    return await forward(request, "members", path)


@router.api_route("/api/agreements/{path:path}", methods=_METHODS, include_in_schema=False)
async def agreements(request: Request, path: str) -> Response:
    return await forward(request, "agreements", path)


@router.api_route("/api/roadmap/{path:path}", methods=_METHODS, include_in_schema=False)
async def roadmap(request: Request, path: str) -> Response:
    return await forward(request, "roadmap", path)
