"""Liveness and readiness. Ready means every dependency (database, Kafka) answers right now."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sirbi_shared.http.problems import problem_response

Check = Callable[[], Awaitable[None]]
CHECK_TIMEOUT_S = 2.0


async def run_checks(checks: Mapping[str, Check]) -> dict[str, dict[str, Any]]:
    async def one(check: Check) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S)
        except Exception as exc:
            return {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        return {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}

    results = await asyncio.gather(*(one(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", operation_id="health_live", summary="The process is up and serving")
async def live() -> dict[str, str]:
    return {"status": "live"}


@router.get(
    "/ready",
    operation_id="health_ready",
    summary="Every dependency answers (database, Kafka)",
    responses={503: {"description": "A dependency is down", "content": {"application/problem+json": {}}}},
)
async def ready(request: Request) -> JSONResponse:
    checks: Mapping[str, Check] = request.app.state.readiness_checks
    results = await run_checks(checks)
    if all(r["status"] == "up" for r in results.values()):
        return JSONResponse({"status": "ready", "checks": results})
    down = ", ".join(name for name, r in results.items() if r["status"] != "up")
    return problem_response(503, "not_ready", f"Unavailable: {down}.", checks=results)
