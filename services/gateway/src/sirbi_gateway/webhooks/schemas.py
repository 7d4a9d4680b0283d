"""What the webhooks API reads and answers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field

from sirbi_gateway.webhooks.models import Delivery, Subscription

_EVENT_TYPE = re.compile(r"^(\*|org\.sirbi\.[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _event_type(value: str) -> str:
    if not _EVENT_TYPE.match(value):
        raise ValueError(
            "an event type (`org.sirbi.agreements.agreement.signed.v1`), a prefix pattern "
            "(`org.sirbi.agreements.agreement.*`) or `*`"
        )
    return value


def _country(value: str) -> str:
    value = value.upper()
    if not _COUNTRY.match(value):
        raise ValueError("an ISO 3166-1 alpha-2 country code")
    return value


EventTypePattern = Annotated[str, Field(max_length=200), AfterValidator(_event_type)]
Country = Annotated[str, AfterValidator(_country)]


class SubscriptionFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(
        description="Where events are POSTed; https in production.",
        examples=["https://biblioteca.example.org/sirbi/webhooks"],
    )
    event_types: list[EventTypePattern] = Field(
        min_length=1,
        max_length=50,
        description="Exact types, prefix patterns ending in `.*`, or `*` for every event.",
        examples=[["org.sirbi.agreements.agreement.*", "org.sirbi.members.memberstate.admitted.v1"]],
    )
    countries: list[Country] = Field(
        default_factory=list,
        max_length=50,
        description="Only events about one of these countries; empty for every event.",
    )
    description: str = Field(default="", max_length=500)


class SubscriptionChange(SubscriptionFields):
    active: bool = Field(default=True, description="False disables it (its backlog is kept).")


class SubscriptionPublic(BaseModel):
    id: uuid.UUID
    owner: str
    url: str
    event_types: list[str]
    countries: list[str]
    description: str
    active: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionPublic:
        return cls(
            id=subscription.id,
            owner=subscription.owner,
            url=subscription.url,
            event_types=list(subscription.event_types),
            countries=list(subscription.countries),
            description=subscription.description,
            active=subscription.active,
            disabled_reason=subscription.disabled_reason,
            disabled_at=subscription.disabled_at,
            version=subscription.version,
            created_at=subscription.created_at,
            updated_at=subscription.updated_at,
        )


class SubscriptionWithSecret(SubscriptionPublic):
    secret: str = Field(
        description="The signing secret, `whsec_<base64 key>`. Shown only now: keep it.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class DeliveryPublic(BaseModel):
    id: int
    subscription_id: uuid.UUID
    event_id: str
    event_type: str
    event_time: datetime
    cause: str = Field(description="event, redelivery or replay")
    status: str = Field(description="pending, delivered or failed (gave up; can be redelivered)")
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When the next attempt is due, while pending.")
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, delivery: Delivery, event_id: str, event_type: str) -> DeliveryPublic:
        return cls(
            id=delivery.id,
            subscription_id=delivery.subscription_id,
            event_id=event_id,
            event_type=event_type,
            event_time=delivery.event_time,
            cause=delivery.cause,
            status=delivery.status,
            attempts=delivery.attempts,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            last_attempt_at=delivery.last_attempt_at,
            next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
            delivered_at=delivery.delivered_at,
            created_at=delivery.created_at,
        )


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    since: AwareDatetime = Field(
        description="Every kept event from this time on (with its zone) that the subscription wants.",
        examples=["2026-11-20T08:00:00Z"],
    )


class ReplayQueued(BaseModel):
    queued: int = Field(description="Deliveries added to the subscription's queue.")
