"""The activity feed over HTTP: a page at a time, or live as Server-Sent Events. Any signed-in
caller (people and integration clients) may read it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from sse_starlette import EventSourceResponse

from sirbi_gateway.activity import repository, stream
from sirbi_gateway.activity.notifications import NOTIFIER_NAME, ActivityNotifier
from sirbi_gateway.activity.schemas import ActivityItem
from sirbi_gateway.identity.access import Caller
from sirbi_shared.db import SessionDep, get_database
from sirbi_shared.http.pagination import MAX_LIMIT, Page
from sirbi_shared.http.problems import ProblemError, problem_docs

router = APIRouter(prefix="/api/activity", tags=["activity"])

PROBLEMS = problem_docs(
    {
        400: "A cursor or last event id this API did not issue",
        401: "Not signed in",
    }
)

# Keep-alive comments: proxies and browsers drop a silent connection after a while.
PING_SECONDS = 15


async def activity_filter(
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Only events concerning this member state")
    ] = None,
    service: Annotated[
        str | None,
        Query(pattern=r"^[a-z]+$", description="Only this service's events", examples=["agreements"]),
    ] = None,
    type: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A full event type (`org.sirbi.agreements.agreement.signed.v1`) "
            "or just its verb (`signed`)",
        ),
    ] = None,
    since: Annotated[
        datetime | None, Query(description="Only events that happened at or after this time")
    ] = None,
) -> repository.ActivityFilter:
    if since is not None and since.tzinfo is None:
        raise ProblemError(400, "invalid_since", "`since` needs a time zone (e.g. 2026-01-31T12:00:00Z).")
    return repository.ActivityFilter(
        country=country.upper() if country else None, service=service, type=type, since=since
    )


Filters = Annotated[repository.ActivityFilter, Depends(activity_filter)]


@router.get(
    "",
    operation_id="list_activity",
    summary="What happened on the platform, newest first, filtered, a page at a time",
    responses={k: PROBLEMS[k] for k in (400, 401)},
)
async def list_activity(
    session: SessionDep,
    caller: Caller,
    filters: Filters,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[ActivityItem]:
    rows, next_cursor = await repository.newest_first(session, filters, cursor, limit)
    return Page(items=[ActivityItem.of(row) for row in rows], next_cursor=next_cursor)


def _resume_point(header: str | None, query: str | None) -> int | None:
    given = header if header is not None else query
    if given is None or given == "":
        return None
    if not given.isdigit():
        raise ProblemError(400, "invalid_last_event_id", "The last event id is not one this stream sent.")
    return int(given)


@router.get(
    "/stream",
    operation_id="stream_activity",
    summary="The activity feed live, as Server-Sent Events",
    description="Each message's `id` is the event's feed position, its `event` the CloudEvent type, "
    "its `data` the event as JSON (id, type, service, aggregate, verb, countries, subject, occurred_at, "
    "title, data). "
    "Reconnect with `Last-Event-ID` (or `last_event_id`) to receive everything after it; without "
    "either, the stream starts with the next event. Same filters as the list.",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "An endless event stream",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **{k: PROBLEMS[k] for k in (400, 401)},
    },
)
async def stream_activity(
    request: Request,
    caller: Caller,
    filters: Filters,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
    last_event_id: Annotated[
        str | None, Query(max_length=20, description="For clients that cannot set `Last-Event-ID`")
    ] = None,
) -> EventSourceResponse:
    resume_after = _resume_point(last_event_id_header, last_event_id)
    notifier: ActivityNotifier = request.app.state.runtime.workers[NOTIFIER_NAME]
    return EventSourceResponse(
        stream.live(await get_database(request), notifier, filters, resume_after),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
