"""`/api/openapi.json`, `/api/asyncapi.json`, `/api/docs/integrators`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markdown_it import MarkdownIt

from sirbi_gateway.documentation.combined import combined_openapi
from sirbi_shared.http.problems import ProblemError, problem_docs

router = APIRouter(prefix="/api", tags=["documentation"])
PROBLEMS = problem_docs({404: "This document is not installed with the gateway"})


def _docs_file(request: Request, *candidates: str) -> Path:
    docs_dir: Path = request.app.state.docs_dir
    for candidate in candidates:
        if (docs_dir / candidate).is_file():
            return docs_dir / candidate
    raise ProblemError(404, "document_missing", f"{candidates[0]} is not installed with the gateway.")


@router.get(
    "/openapi.json", operation_id="platform_openapi", summary="The OpenAPI document of the whole platform"
)
async def platform_openapi(request: Request) -> JSONResponse:
    return JSONResponse(await combined_openapi(request.app.openapi(), request.app.state.upstreams))


@router.get(
    "/asyncapi.json",
    operation_id="platform_asyncapi",
    summary="The AsyncAPI 3 document of every topic and event, with their JSON Schemas",
    responses={404: PROBLEMS[404]},
)
async def platform_asyncapi(request: Request) -> JSONResponse:
    document: dict[str, Any] = json.loads(
        _docs_file(request, "events/asyncapi.json", "asyncapi.json").read_text()
    )
    return JSONResponse(document)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SIRBI — integrating with the platform</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f4f4f4;padding:1rem;overflow:auto}}code{{font-size:.95em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem}}</style></head>
<body><main>{body}</main></body></html>"""


@router.get(
    "/docs/integrators",
    operation_id="integrators_guide",
    summary="How other systems read the platform and subscribe to its events",
    response_class=HTMLResponse,
    responses={404: PROBLEMS[404]},
)
async def integrators_guide(request: Request) -> HTMLResponse:
    markdown = _docs_file(request, "integrators.md").read_text()
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return HTMLResponse(_PAGE.format(body=html))
