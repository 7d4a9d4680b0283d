"""Forwarding one request to a service and its answer back, both streamed when they are long.

Identity: a user's access token is verified here, then forwarded as it is (the service verifies
it again and applies its own rules); an integration client's API key never leaves the gateway —
the service receives a short-lived token minted for the client. Request id and trace context
travel along. A service that does not answer is a 503 (or 504) problem naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
from asgi_correlation_id import correlation_id
from fastapi import Request
from multidict import CIMultiDict
from starlette.responses import Response, StreamingResponse
from yarl import URL

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
    b"connection",
    b"keep-alive",
    b"transfer-encoding",
    b"trailer",
    b"upgrade",
    b"server",
    b"date",
    b"x-request-id",
    b"traceparent",
}
_CLIENT_TOKEN_LIFETIME = timedelta(minutes=2)
# A body of known length up to this size goes on whole; a longer one, or one of unknown length
# (a CSV import or export), is streamed. Streaming a small body cost the gateway a third of its
# time on a write: a task watching for the caller's disconnect, a chunked upload, one await per
# piece (docs/performance.md).
_WHOLE_UP_TO = 64 * 1024
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
    headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED)
    if authorization is not None:
        headers["authorization"] = authorization
    request_id = correlation_id.get()
    if request_id:
        headers["x-request-id"] = request_id
    traceparent = current_traceparent()
    if traceparent:
        headers["traceparent"] = traceparent
    if request.client:
        headers["x-forwarded-for"] = request.client.host
    headers["x-forwarded-prefix"] = f"/api/{service}"

    query = request.scope["query_string"].decode("latin-1")
    # `encoded`: the path and query string go on as the caller encoded them.
    url = URL(f"{base}/{path}" + (f"?{query}" if query else ""), encoded=True)
    try:
        upstream = await upstreams.client.request(
            request.method, url, headers=headers, data=await _request_body(request), allow_redirects=False
        )
        response = await _response(upstream)
    except TimeoutError as exc:
        raise ProblemError(
            504, "service_timeout", f"The {service} service did not answer in time.", service=service
        ) from exc
    except aiohttp.ClientError as exc:
        raise ProblemError(
            503, "service_unavailable", f"The {service} service is not available.", service=service
        ) from exc
    # Raw pairs, repeated names kept (Set-Cookie, Link); only Location is rewritten.
    response.raw_headers = [
        (name, _outside(service, value) if name == b"location" else value)
        for name, value in ((k.lower(), v) for k, v in upstream.raw_headers)
        if name not in _NOT_RETURNED
    ]
    return response


def _outside(service: str, location: bytes) -> bytes:
    """A service's own path as the caller reaches it through the gateway."""
    return f"/api/{service}".encode() + location if location.startswith(b"/") else location


async def _request_body(request: Request) -> bytes | AsyncIterator[bytes] | None:
    if request.method in _READS:
        return None
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) <= _WHOLE_UP_TO:
        return await request.body()
    if not length and "transfer-encoding" not in request.headers:
        return None  # HTTP/1.1: a request with neither header has no body
    return _streamed(request)


async def _response(upstream: aiohttp.ClientResponse) -> Response:
    length = upstream.content_length
    if length is None or length > _WHOLE_UP_TO:
        return StreamingResponse(_relay(upstream), status_code=upstream.status)
    try:
        # Raw bytes: a compressed answer stays compressed, with its own Content-Encoding.
        return Response(await upstream.read(), status_code=upstream.status)
    finally:
        upstream.release()


async def _streamed(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def _relay(upstream: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    # Raw bytes: a compressed answer stays compressed, with its own Content-Encoding.
    try:
        async for chunk in upstream.content.iter_any():
            yield chunk
    finally:
        upstream.release()  # a caller gone mid-answer must not leave the connection half-read
