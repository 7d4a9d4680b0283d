"""Forwarding one request to a service and its answer back, both streamed.

Identity: a user's access token is verified here, then forwarded as it is (the service verifies
it again and applies its own rules); an integration client's API key never leaves the gateway —
the service receives a short-lived token minted for the client. Request id and trace context
travel along. A service that does not answer is a 503 (or 504) problem naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
from asgi_correlation_id import correlation_id
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from sirbi_gateway.identity.access import identify, require_scope
from sirbi_gateway.identity.schemas import Scope
from sirbi_gateway.routing.upstreams import Upstreams
from sirbi_shared.auth import Role, TokenIssuer
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.tracing import current_traceparent

# Hop-by-hop headers (RFC 9110 §7.6.1) and those the gateway sets itself.
_NOT_FORWARDED = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "x-api-key",
    "authorization",
    "x-request-id",
    "traceparent",
}
# The gateway answers with its own request id and trace context (the same trace, its own span).
_NOT_RETURNED = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "trailer",
    "upgrade",
    "server",
    "date",
    "x-request-id",
    "traceparent",
}
_CLIENT_TOKEN_LIFETIME = timedelta(minutes=2)
_READS = {"GET", "HEAD", "OPTIONS"}


async def _authorization(request: Request) -> str | None:
    """The Authorization header the service will see (None: an anonymous request)."""
    caller = await identify(request)
    if caller is None:
        return None
    if caller.has_role(Role.INTEGRATION):
        require_scope(request, Scope.READ)
        if request.method not in _READS:
            raise ProblemError(
                403, "scope", "Integration clients read through the gateway; they do not write."
            )
        policy = request.app.state.token_policy
        if policy is None:
            raise ProblemError(503, "signing_not_configured", "The gateway has no token signing key.")
        issuer: TokenIssuer = policy.issuer
        token = issuer.mint(caller.subject, [Role.INTEGRATION], lifetime=_CLIENT_TOKEN_LIFETIME)
        return f"Bearer {token}"
    return request.headers["authorization"]


async def forward(request: Request, service: str, path: str) -> Response:
    upstreams: Upstreams = request.app.state.upstreams
    base = upstreams.base_urls.get(service)
    if base is None:
        raise ProblemError(404, "unknown_service", f"No service {service!r} behind the gateway.")
    authorization = await _authorization(request)
    headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED]
    if authorization is not None:
        headers.append(("authorization", authorization))
    request_id = correlation_id.get()
    if request_id:
        headers.append(("x-request-id", request_id))
    traceparent = current_traceparent()
    if traceparent:
        headers.append(("traceparent", traceparent))
    if request.client:
        headers.append(("x-forwarded-for", request.client.host))
    headers.append(("x-forwarded-prefix", f"/api/{service}"))

    upstream_request = upstreams.client.build_request(
        request.method,
        # The query string as the caller encoded it.
        f"{base}/{path}" + (f"?{request.url.query}" if request.url.query else ""),
        headers=headers,
        content=_body(request) if request.method not in _READS else None,
    )
    try:
        upstream = await upstreams.client.send(upstream_request, stream=True)
    except httpx.TimeoutException as exc:
        raise ProblemError(
            504, "service_timeout", f"The {service} service did not answer in time.", service=service
        ) from exc
    except httpx.TransportError as exc:
        raise ProblemError(
            503, "service_unavailable", f"The {service} service is not available.", service=service
        ) from exc
    returned = [
        (k, _outside(service, v) if k.lower() == "location" else v)
        for k, v in upstream.headers.multi_items()
        if k.lower() not in _NOT_RETURNED
    ]
    return StreamingResponse(
        _relay(upstream),
        status_code=upstream.status_code,
        headers=_header_dict(returned),
        background=BackgroundTask(upstream.aclose),
    )


def _outside(service: str, location: str) -> str:
    """A service's own path as the caller reaches it through the gateway."""
    return f"/api/{service}{location}" if location.startswith("/") else location


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def _relay(upstream: httpx.Response) -> AsyncIterator[bytes]:
    # Raw bytes: a compressed answer stays compressed, with its own Content-Encoding.
    async for chunk in upstream.aiter_raw():
        yield chunk


def _header_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in pairs:
        merged[name] = (
            f"{merged[name]}, {value}" if name in merged and name.lower() != "set-cookie" else value
        )
    return merged
