"""What every service's OpenAPI document must have to generate clients and be read on its own."""

from __future__ import annotations

from typing import Any


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


def incomplete_operations(document: dict[str, Any]) -> list[str]:
    """Operations without an id, summary, request example, success response, or (for changes)
    documented 401/403; duplicate ids."""
    operation_ids: list[str] = []
    missing: list[str] = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            if not operation.get("operationId"):
                missing.append(f"{where}: operation id")
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
    duplicates = {i for i in operation_ids if operation_ids.count(i) > 1}
    return missing + [f"duplicate operation id {i}" for i in sorted(duplicates)]


def errors_not_problem_details(document: dict[str, Any]) -> list[str]:
    return [
        f"{method.upper()} {path} {code}"
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for code, response in operation["responses"].items()
        if code.startswith(("4", "5")) and "application/problem+json" not in response.get("content", {})
    ]
