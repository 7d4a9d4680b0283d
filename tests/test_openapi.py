"""Every service's OpenAPI is complete enough to generate clients and be read on its own: each
operation named, summarised, with request examples, its success and its errors (as problem+json,
401/403 on every change)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from pydantic import SecretStr

from tests.support.openapi import errors_not_problem_details, incomplete_operations

SERVICES = ["members", "agreements", "roadmap", "gateway"]


def _document(service: str) -> dict[str, Any]:
    app = importlib.import_module(f"sirbi_{service}.app")
    settings = importlib.import_module(f"sirbi_{service}.settings")
    unreachable = SecretStr("postgresql+asyncpg://u:p@127.0.0.1:1/none")  # building the app connects nowhere
    document: dict[str, Any] = app.create_app(settings.Settings(database_url=unreachable)).openapi()
    return document


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_is_named_summarised_and_exemplified(service: str) -> None:
    assert incomplete_operations(_document(service)) == []


@pytest.mark.parametrize("service", SERVICES)
def test_errors_are_documented_as_problem_details(service: str) -> None:
    assert errors_not_problem_details(_document(service)) == []
