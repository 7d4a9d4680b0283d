"""`python -m sirbi_gateway.documentation.export PATH`: the platform's OpenAPI document built from
the code of the four services, with nothing running. The web frontend's API client is generated
from it (`make web-api`), so the browser and the services cannot drift apart unnoticed: a test
compares the committed document with this one."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from sirbi_gateway.documentation.combined import combine

SERVICES = ("members", "agreements", "roadmap")
# Building an app connects nowhere; the settings only need a well-formed address.
_UNREACHABLE = SecretStr("postgresql+asyncpg://u:p@127.0.0.1:1/none")


def service_document(service: str) -> dict[str, Any]:
    app = importlib.import_module(f"sirbi_{service}.app")
    settings = importlib.import_module(f"sirbi_{service}.settings")
    document: dict[str, Any] = app.create_app(settings.Settings(database_url=_UNREACHABLE)).openapi()
    return document


def platform_document() -> dict[str, Any]:
    return combine(service_document("gateway"), {s: service_document(s) for s in SERVICES})


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="Write the platform's OpenAPI document.")
    parser.add_argument("path", type=Path)
    parser.parse_args().path.write_text(render(platform_document()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
