"""RFC 9457 problem details with a stable `code` for every error a service returns.

Clients branch on `code` (stable, documented) rather than on `title` or `detail` (for people).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from sirbi_shared.db import lost_connection

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class ProblemError(Exception):
    """Raise from anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or code)
        self.status = status
        self.code = code
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def problem_response(
    status: int,
    code: str,
    detail: str | None = None,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:sirbi:problem:{code}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    request_id = correlation_id.get()
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


def problem_docs(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for problem+json errors: `{404: "No such network"}` → the entry FastAPI
    wants; pick an endpoint's with `{k: PROBLEMS[k] for k in (401, 403)}`."""
    return {
        status: {"description": description, "content": {PROBLEM_JSON: {}}}
        for status, description in descriptions.items()
    }


_STATUS_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.code,
        exc.detail,
        title=exc.title,
        headers=exc.headers,
        instance=request.url.path,
        **exc.extra,
    )


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        # A list item's index is sent as a string too ("parties", "0"), as documented: every
        # client reads a location as a path of names.
        {
            "location": [str(part) for part in e.get("loc", ())],
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors()
    ]
    if any(e["type"] == "json_invalid" for e in errors):
        return problem_response(
            400,
            "malformed_json",
            "The request body is not valid JSON.",
            instance=request.url.path,
            errors=errors,
        )
    return problem_response(
        422, "validation_failed", "The request has invalid fields.", instance=request.url.path, errors=errors
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
    detail = (
        exc.detail
        if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase
        else None
    )
    return problem_response(
        exc.status_code, code, detail, headers=getattr(exc, "headers", None), instance=request.url.path
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    # This answer comes from outside every middleware, so the request id header is set here.
    request_id = correlation_id.get()
    return problem_response(
        500,
        "internal_error",
        "Something went wrong on our side; the request id helps us find it.",
        headers={"X-Request-ID": request_id} if request_id else None,
    )


# SQLSTATE 22021: "invalid byte sequence for encoding UTF8: 0x00".
_CHARACTER_NOT_IN_REPERTOIRE = "22021"


def _database_away(exc: Exception) -> bool:
    return lost_connection(exc) or isinstance(exc, (ConnectionError, PoolTimeout))


async def _database(request: Request, exc: Exception) -> JSONResponse:
    """The database went away (restarted, unreachable, or every connection busy): the request
    changed nothing (its transaction is lost with the connection) and may be sent again.

    Pooled connections are not tested before each use (that is a round trip per request); the
    first request on a connection that died with a restart lands here, and SQLAlchemy drops the
    rest of the pool's connections of that age, so the next requests reconnect."""
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == _CHARACTER_NOT_IN_REPERTOIRE:
        # Text PostgreSQL cannot store (a NUL character, valid JSON): the caller's input, not our
        # fault; nothing was written.
        return problem_response(
            422,
            "invalid_text",
            "The request has text that cannot be stored (a NUL character).",
            instance=request.url.path,
        )
    if not _database_away(exc):
        return await _unexpected(request, exc)
    log.warning("database unavailable", extra={"path": request.url.path, "error": type(exc).__name__})
    return problem_response(
        503,
        "database_unavailable",
        "The service's database is not reachable right now; nothing was changed. Try again shortly.",
        headers={"Retry-After": "1"},
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(ConnectionError, _database)
    app.add_exception_handler(PoolTimeout, _database)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "ProblemDetails",
    "type": "object",
    "description": "RFC 9457 problem details; `code` is stable, branch on it.",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:sirbi:problem:version_mismatch"]},
        "title": {"type": "string", "examples": ["Precondition Failed"]},
        "status": {"type": "integer", "examples": [412]},
        "code": {"type": "string", "examples": ["version_mismatch"]},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For validation_failed: each invalid field",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "array", "items": {"type": "string"}},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI say what the service does: every error body is problem+json."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["ProblemDetails"] = PROBLEM_SCHEMA
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
        for methods in document.get("paths", {}).values():
            for operation in methods.values():
                # Answered with 400 by shared code wherever it applies, so documented here: a
                # JSON body that does not parse (malformed_json, above) and an If-Match that is
                # not an ETag (invalid_if_match, sirbi_shared.http.versioning).
                malformed = []
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    malformed.append("malformed_json")
                if any(
                    parameter.get("in") == "header" and parameter.get("name") == "If-Match"
                    for parameter in operation.get("parameters", [])
                ):
                    malformed.append("invalid_if_match")
                if malformed:
                    operation.setdefault("responses", {}).setdefault(
                        "400", {"description": f"Malformed request: {', '.join(malformed)}"}
                    )
                for code, response in operation.get("responses", {}).items():
                    if code.startswith(("4", "5")):
                        response["content"] = problem
                        if code == "422":
                            response["description"] = "Invalid input: validation_failed, or a rule's own code"
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
