"""Which database errors mean "the database is away, try again later" (a 503, a consumer that
waits) rather than a fault of the statement: a server still starting up is one of them."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from sirbi_shared.db import lost_connection


class _ServerError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("sqlstate", ["57P03", "57P01", "57P02", "08006", "08001"])
def test_a_server_going_away_or_starting_up_is_a_lost_connection(sqlstate: str) -> None:
    assert lost_connection(DBAPIError("SELECT 1", {}, _ServerError(sqlstate)))


@pytest.mark.parametrize("sqlstate", ["23505", "42P01", "22P02"])
def test_a_fault_of_the_statement_is_not(sqlstate: str) -> None:
    # A unique violation, a missing table, bad input: asking again changes nothing.
    assert not lost_connection(DBAPIError("SELECT 1", {}, _ServerError(sqlstate)))
