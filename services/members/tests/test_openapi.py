"""The members service's OpenAPI is complete enough to generate clients and read on its own."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from sirbi_members.app import create_app
from sirbi_members.settings import Settings


def _document() -> dict[str, Any]:
    settings = Settings(database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:1/none"))
    return create_app(settings).openapi()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    schema = _resolve(document, media.get("schema", {}))
    if "examples" in schema or "example" in schema:
        return True
    properties = schema.get("properties", {})
    required = schema.get("required", list(properties))
    return bool(properties) and all(
        "examples" in _resolve(document, properties[name]) or "$ref" in properties[name] for name in required
    )


def test_every_operation_is_named_summarised_and_exemplified() -> None:
    document = _document()
    operation_ids: list[str] = []
    missing: list[str] = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            operation_ids.append(operation.get("operationId", ""))
            if not operation.get("summary"):
                missing.append(f"{where}: summary")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if not _has_example(document, media):
                    missing.append(f"{where}: request example")
            if not any(code.startswith("2") for code in operation["responses"]):
                missing.append(f"{where}: success response")
            if method in ("post", "put", "patch", "delete") and not {"401", "403"} & set(
                operation["responses"]
            ):
                missing.append(f"{where}: documented 401/403")
    assert not missing, missing
    assert all(operation_ids), "every operation has an id"
    assert len(operation_ids) == len(set(operation_ids)), "operation ids are unique"


def test_errors_are_documented_as_problem_details() -> None:
    document = _document()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert "application/problem+json" in response.get("content", {}), (
                        f"{method} {path} {code}"
                    )
