"""Cursors of the members lists, all ordered by country, a name and id (networks by official
name, representatives and libraries by name)."""

from __future__ import annotations

import uuid

from sirbi_shared.http.pagination import decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError


def next_cursor(country: str, name: str, record_id: uuid.UUID) -> str:
    """The cursor of the page after the record with this sort key."""
    return encode_cursor([country, name, str(record_id)])


def decode_after(cursor: str | None) -> tuple[str, str, uuid.UUID] | None:
    """The sort key inside a cursor; one this API did not issue is a 400 `invalid_cursor`."""
    key = decode_cursor(cursor, 3)
    if key is None:
        return None
    invalid = ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
    if not all(isinstance(part, str) for part in key):
        raise invalid
    country, name, record_id = key
    try:
        return country, name, uuid.UUID(record_id)
    except ValueError as exc:
        raise invalid from exc
