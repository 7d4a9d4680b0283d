"""Optimistic concurrency over HTTP: an aggregate's `version` is its ETag, and every change must
send it back in If-Match. No If-Match: 428. A stale one: 412, and nothing changes."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Response

from sirbi_shared.http.problems import ProblemError

_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


async def _expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag of the version you read, e.g. `"3"`. Required on every change.',
            examples=['"1"'],
        ),
    ] = None,
) -> int:
    if if_match is None:
        raise ProblemError(
            428, "if_match_required", "Send the ETag of the version you read in the If-Match header."
        )
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise ProblemError(400, "invalid_if_match", 'If-Match must be an ETag such as "3".')
    return int(match.group(1))


IfMatch = Annotated[int, Depends(_expected_version)]


def check_version(current: int, expected: int) -> None:
    """Raise 412 unless the caller's ETag is the current version."""
    if current != expected:
        raise ProblemError(
            412,
            "version_mismatch",
            f"The record changed since you read it (you sent version {expected}, it is now {current}).",
            current_version=current,
        )
