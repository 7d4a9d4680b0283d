"""The members service's OpenAPI is complete enough to generate clients and read on its own."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from sirbi_members.app import create_app
from sirbi_members.settings import Settings
from tests.support.openapi import errors_not_problem_details, incomplete_operations


def _document() -> dict[str, Any]:
    settings = Settings(database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:1/none"))
    return create_app(settings).openapi()


def test_every_operation_is_named_summarised_and_exemplified() -> None:
    assert incomplete_operations(_document()) == []


def test_errors_are_documented_as_problem_details() -> None:
    assert errors_not_problem_details(_document()) == []
