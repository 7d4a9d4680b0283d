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
    if not isinstance(key, list) or len(key) != size:
        raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
    return key
