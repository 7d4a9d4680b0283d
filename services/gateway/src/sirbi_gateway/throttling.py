"""Rate limits: sign-in attempts per account and per address (guessing passwords), and requests
per client on the API (one caller must not starve the others).

Counted in memory (`limits`): sign-in attempts in a moving window (exact, and there are few of
them); API requests with a sliding-window counter (two counters per client, nothing per request
to keep or sweep: the moving window's per-request entries cost the proxy a tenth of its time).
With several replicas each counts its own share (ADR 0014). Clients are told when to come back (429 with
Retry-After, problem+json).
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Receive, Scope, Send

from sirbi_shared.http.problems import ProblemError, problem_response


class _Limit:
    def __init__(self, limiter: RateLimiter, item: RateLimitItem, namespace: str) -> None:
        self.limiter, self.item, self.namespace = limiter, item, namespace

    async def hit(self, key: str) -> float | None:
        """Count one; None if allowed, else seconds until the next would be."""
        if await self.limiter.hit(self.item, self.namespace, key):
            return None
        stats = await self.limiter.get_window_stats(self.item, self.namespace, key)
        return max(1.0, stats.reset_time - time.time())


class Throttles:
    def __init__(self, per_account: str, per_address: str, per_client: str) -> None:
        exact = MovingWindowRateLimiter(MemoryStorage())
        self.login_account = _Limit(exact, parse(per_account), "login-account")
        self.login_address = _Limit(exact, parse(per_address), "login-address")
        # A storage of its own: the moving window's sweep of its entries is not the API's to pay.
        counted = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.api_client = _Limit(counted, parse(per_client), "api-client")

    async def sign_in_attempt(self, email: str, address: str) -> None:
        for limit, key in ((self.login_account, email.lower()), (self.login_address, address)):
            wait = await limit.hit(key)
            if wait is not None:
                raise ProblemError(
                    429,
                    "too_many_sign_in_attempts",
                    "Too many sign-in attempts; wait before trying again.",
                    headers={"Retry-After": str(math.ceil(wait))},
                )


def _caller_key(scope: Scope) -> str:
    """The credential itself (hashed) identifies the client: an API key, or a user's access token
    (one per sign-in); without one, the address."""
    headers = dict(scope.get("headers") or [])
    credential = headers.get(b"x-api-key") or headers.get(b"authorization")
    if credential:
        return hashlib.sha256(credential).hexdigest()
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class ApiRateLimit:
    """ASGI middleware: a limit per client on every /api/ request."""

    def __init__(self, app: ASGIApp, throttles: Throttles) -> None:
        self.app = app
        self.throttles = throttles

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        wait = await self.throttles.api_client.hit(_caller_key(scope))
        if wait is not None:
            response = problem_response(
                429,
                "rate_limited",
                "Too many requests from this client; slow down.",
                headers={"Retry-After": str(math.ceil(wait))},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
