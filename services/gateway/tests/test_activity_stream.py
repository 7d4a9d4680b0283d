"""The live stream over a real HTTP connection: new events arrive as they are filed; a client
that comes back with its last event id gets exactly what it missed."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from services.gateway.tests.conftest import (
    GatewayUnderTest,
    Streams,
    has_events,
    integration_client,
    problem,
    wait_for_feed,
)
from tests.support.contracts import member_state_event, network_event
from tests.support.services import http_server

# A bound on waiting for the next message, not a claim about how fast it comes.
_PATIENCE = 30.0


@dataclass
class Message:
    id: str
    event: str
    data: dict[str, Any]


class EventStreamReader:
    """Reads Server-Sent Events off a response, skipping keep-alive comments."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def _next(self) -> Message:
        fields: dict[str, str] = {}
        async for line in self._lines:
            if line == "":
                if "data" in fields:
                    return Message(
                        fields.get("id", ""), fields.get("event", "message"), json.loads(fields["data"])
                    )
                fields.clear()
                continue
            if line.startswith(":"):
                continue  # a ping
            name, _, value = line.partition(":")
            fields[name] = fields.get(name, "") + value.removeprefix(" ")
        raise AssertionError("the stream ended")

    async def next(self) -> Message:
        return await asyncio.wait_for(self._next(), timeout=_PATIENCE)


@asynccontextmanager
async def listening(
    base_url: str, headers: dict[str, str], **params: Any
) -> AsyncIterator[tuple[httpx.Response, EventStreamReader]]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(_PATIENCE)) as client,
        client.stream("GET", "/api/activity/stream", headers=headers, params=params) as response,
    ):
        yield response, EventStreamReader(response)


async def test_live_events_then_resume_after_the_last_event_id(
    gateway: GatewayUnderTest, streams: Streams
) -> None:
    before = member_state_event("PE", "admitted", "active", 1)
    await streams.members.send(before)
    [filed] = await wait_for_feed(gateway, has_events(before.id), "the first event filed")
    headers = integration_client(gateway)

    async with http_server(gateway.app) as base_url:
        async with listening(base_url, {**headers, "Last-Event-ID": str(filed["id"])}, country="PE") as (
            response,
            reader,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            first = member_state_event("PE", "updated", "active", 2)
            elsewhere = network_event(str(uuid.uuid4()), "CO", "active", 1)  # not Perú: filtered out
            second = member_state_event("PE", "suspended", "suspended", 3)
            for event in (first, elsewhere, second):
                await streams.members.send(event)
            received = [await reader.next(), await reader.next()]
        # Disconnected. Two more happen meanwhile.
        assert [m.data["data"] for m in received] == [first.data, second.data]
        assert [m.event for m in received] == [first.type, second.type]
        assert all(m.id == str(m.data["id"]) for m in received)
        assert received[0].data["countries"] == ["PE"]
        assert received[0].data["service"] == "members"
        assert received[0].data["subject"] == "PE"

        missed = [
            member_state_event("PE", "reinstated", "active", 4),
            member_state_event("PE", "updated", "active", 5),
        ]
        for event in missed:
            await streams.members.send(event)
        await wait_for_feed(gateway, has_events(*(e.id for e in missed)), "the missed events filed")

        # Back, with the id in the query as a client that cannot set headers would.
        async with listening(base_url, headers, country="PE", last_event_id=received[-1].id) as (_, reader):
            caught_up = [await reader.next(), await reader.next()]
            after = member_state_event("PE", "updated", "active", 6)
            await streams.members.send(after)
            live_again = await reader.next()

    assert [m.data["data"] for m in caught_up] == [e.data for e in missed]
    assert live_again.data["data"] == after.data  # nothing else came between


async def test_the_stream_is_for_signed_in_callers(gateway: GatewayUnderTest) -> None:
    problem(await gateway.client.get("/api/activity/stream"), 401, "authentication_required")
    problem(
        await gateway.client.get(
            "/api/activity/stream", headers={**gateway.secretariat, "Last-Event-ID": "abc"}
        ),
        400,
        "invalid_last_event_id",
    )
