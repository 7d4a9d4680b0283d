"""ASGI middleware: request body limit and W3C trace context."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sirbi_shared.http.problems import problem_response
from sirbi_shared.tracing import continue_or_start, set_traceparent


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413 problem+json, whether or not Content-Length is sent.

    FastAPI's own `max_body_size` answers 413 in text/plain from outside our exception handlers;
    every error of ours is problem+json, so the limit lives here.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, overrides: Mapping[str, int] | None = None) -> None:
        """`overrides` maps path prefixes to their own limit (e.g. a bulk upload endpoint)."""
        self.app = app
        self.default_max_bytes = max_bytes
        self.overrides = sorted((overrides or {}).items(), key=lambda item: -len(item[0]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        max_bytes = next(
            (limit for prefix, limit in self.overrides if path.startswith(prefix)), self.default_max_bytes
        )

        async def too_large(scope: Scope, receive: Receive, send: Send) -> None:
            refusal = f"The request body exceeds {max_bytes} bytes."
            await problem_response(413, "payload_too_large", refusal)(scope, receive, send)

        chunked = False
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
                await too_large(scope, receive, send)
                return
            chunked = chunked or name == b"transfer-encoding"
        if not chunked:
            # A body of declared length within the limit (the server reads no more than it
            # declares) or no body at all: nothing to count.
            await self.app(scope, receive, send)
            return
        received = 0
        refused = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes and not refused:
                    refused = True
                    if not response_started:
                        await too_large(scope, receive, send)
                    # The app sees the client go away and stops reading; its reply is dropped below.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)


class TraceContextMiddleware:
    """Continue the caller's `traceparent` (or start a trace) and echo it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode() for k, v in scope.get("headers", []) if k == b"traceparent"), None)
        traceparent = continue_or_start(incoming)
        set_traceparent(traceparent)

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"traceparent", traceparent.encode())]
            await send(message)

        await self.app(scope, receive, send_with_trace)
