"""What the feed and the live stream say about an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from sirbi_gateway.activity.models import Activity


class ActivityItem(BaseModel):
    id: int = Field(description="Position in the feed; the live stream's event id (resume after it)")
    event_id: str = Field(description="The CloudEvent id (unique per source)")
    source: str
    type: str = Field(examples=["org.sirbi.agreements.agreement.signed.v1"])
    service: str = Field(examples=["agreements"])
    aggregate: str = Field(examples=["agreement"])
    verb: str = Field(examples=["signed"])
    subject: str | None = Field(description="The record the event is about")
    countries: list[str] = Field(description="Member states the event concerns", examples=[["PE", "CO"]])
    occurred_at: datetime
    title: str = Field(
        description="A short line for people", examples=["Agreement signed: Convenio de préstamo"]
    )
    data: dict[str, Any] = Field(description="The event's payload, as published (docs/events/asyncapi.json)")

    @classmethod
    def of(cls, row: Activity) -> ActivityItem:
        return cls(
            id=row.position,
            event_id=row.event_id,
            source=row.source,
            type=row.type,
            service=row.service,
            aggregate=row.aggregate,
            verb=row.verb,
            subject=row.subject,
            countries=row.countries,
            occurred_at=row.occurred_at,
            title=row.title,
            data=row.data,
        )
