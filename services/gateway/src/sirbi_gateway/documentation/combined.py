"""One OpenAPI document for the platform: the gateway's own operations, then each service's as
the gateway exposes them (`/api/<service>/…`), with schema and operation names kept apart per
service. A service that does not answer is listed as such, not left out silently."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import aiohttp

from sirbi_gateway.routing.upstreams import Upstreams

_REF = "#/components/schemas/"


def _renamed(node: Any, prefix: str) -> Any:
    """A copy of a service document's part with every schema reference prefixed."""
    if isinstance(node, dict):
        return {
            key: (
                _REF + prefix + value[len(_REF) :]
                if key == "$ref" and isinstance(value, str) and value.startswith(_REF)
                else _renamed(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed(item, prefix) for item in node]
    return node


def merge_service(document: dict[str, Any], service: str, spec: dict[str, Any]) -> None:
    prefix = f"{service}."
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        schemas[prefix + name] = _renamed(schema, prefix)
    for path, operations in spec.get("paths", {}).items():
        if path.startswith(("/health", "/metrics")):
            continue  # each service's own probes are not reachable through the gateway
        exposed: dict[str, Any] = {}
        for method, operation in _renamed(operations, prefix).items():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = f"{service}_{operation['operationId']}"
                operation["tags"] = [f"{service}: {tag}" for tag in operation.get("tags", [service])]
            exposed[method] = operation
        document["paths"][f"/api/{service}{path}"] = exposed


async def _fetch(client: aiohttp.ClientSession, base: str) -> dict[str, Any] | str:
    try:
        async with asyncio.timeout(3.0), client.get(f"{base}/openapi.json") as response:
            response.raise_for_status()
            spec: dict[str, Any] = json.loads(await response.read())
            return spec
    except TimeoutError:
        return "TimeoutError: no answer within 3 s"
    except (aiohttp.ClientError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


def combine(own: dict[str, Any], specs: dict[str, dict[str, Any] | str]) -> dict[str, Any]:
    """The gateway's own document with each service's merged in; a service given as a string (why
    its document could not be had) is listed under `x-unavailable-services`."""
    document = copy.deepcopy(own)
    document["info"] = {
        **document.get("info", {}),
        "title": "SIRBI platform API",
        "description": (
            "Everything reachable through the gateway: its own operations, and each service's "
            "under /api/<service>/."
        ),
    }
    unavailable: dict[str, str] = {}
    for name, spec in specs.items():
        if isinstance(spec, str):
            unavailable[name] = spec
        else:
            merge_service(document, name, spec)
    if unavailable:
        document["info"]["x-unavailable-services"] = unavailable
    return document


async def combined_openapi(own: dict[str, Any], upstreams: Upstreams) -> dict[str, Any]:
    names = list(upstreams.base_urls)
    specs = await asyncio.gather(*(_fetch(upstreams.client, upstreams.base_urls[n]) for n in names))
    return combine(own, dict(zip(names, specs, strict=True)))
