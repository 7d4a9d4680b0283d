"""Cursor pagination: opaque cursors that carry the sort key of the last item returned."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from sirbi_shared.http.problems import ProblemError

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; absent on the last page."
    )


def encode_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":"), default=str).encode()).decode()


def decode_cursor(cursor: str | None, size: int) -> list[Any] | None:
    """The sort key inside a cursor; a cursor we did not issue is a 400 `invalid_cursor`."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.") from exc
    if not isinstance(key, list) or len(key) != size or not all(map(_storable, key)):
        raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
    return key


_BIGINT = range(-(2**63), 2**63)


def _storable(part: Any) -> bool:
    """Whether PostgreSQL can compare a key part with a column: a forged cursor with a NUL in a
    string or an integer past bigint (or a boolean for one) would otherwise fail in the database,
    a 500, where it is the caller's mistake. Cursors we issue hold only stored values."""
    if isinstance(part, bool):
        return False
    if isinstance(part, int):
        return part in _BIGINT
    if isinstance(part, str):
        return "\x00" not in part
    return True
