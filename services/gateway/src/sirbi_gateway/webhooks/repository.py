"""Reading and writing subscriptions, kept events and deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from sirbi_gateway.event_facts import facts_of
from sirbi_gateway.webhooks.models import Delivery, DeliveryStatus, StoredEvent, Subscription
from sirbi_shared.events import CloudEvent
from sirbi_shared.http.problems import ProblemError


async def get(session: AsyncSession, subscription_id: uuid.UUID, *, for_update: bool = False) -> Subscription:
    statement = select(Subscription).where(Subscription.id == subscription_id)
    if for_update:
        statement = statement.with_for_update()
    subscription = (await session.execute(statement)).scalar_one_or_none()
    if subscription is None:
        raise not_found(subscription_id)
    return subscription


def not_found(subscription_id: uuid.UUID) -> ProblemError:
    return ProblemError(
        404,
        "subscription_not_found",
        f"No webhook subscription {subscription_id}.",
        subscription_id=str(subscription_id),
    )


async def list_of(session: AsyncSession, owner: str | None) -> list[Subscription]:
    """An owner's subscriptions, or everyone's when `owner` is None."""
    statement = select(Subscription).order_by(Subscription.created_at, Subscription.id)
    if owner is not None:
        statement = statement.where(Subscription.owner == owner)
    return list((await session.execute(statement)).scalars())


async def every_subscription(session: AsyncSession) -> list[Subscription]:
    return list((await session.execute(select(Subscription))).scalars())


async def keep_events(session: AsyncSession, events: Sequence[CloudEvent]) -> list[StoredEvent]:
    """Store events once each (one statement for all); those stored now, in order: an event
    stored before (delivered twice by Kafka, or the topics read again) is left out."""
    if not events:
        return []
    kept = await session.scalars(
        insert(StoredEvent)
        .on_conflict_do_nothing(index_elements=["source", "event_id"])
        .returning(StoredEvent),
        [
            {
                "source": event.source,
                "event_id": event.id,
                "type": event.type,
                "subject": event.subject,
                "time": event.time,
                "data": event.data,
                "countries": sorted(facts_of(event).countries),
            }
            for event in events
        ],
    )
    return sorted(kept, key=lambda stored: stored.seq)  # identities follow the rows' order


async def events_since(session: AsyncSession, since: datetime) -> list[StoredEvent]:
    statement = (
        select(StoredEvent).where(StoredEvent.time >= since).order_by(StoredEvent.time, StoredEvent.seq)
    )
    return list((await session.execute(statement)).scalars())


async def event(session: AsyncSession, seq: int) -> StoredEvent:
    return (await session.execute(select(StoredEvent).where(StoredEvent.seq == seq))).scalar_one()


async def delivery_of(
    session: AsyncSession, subscription_id: uuid.UUID, delivery_id: int
) -> tuple[Delivery, StoredEvent]:
    row = (
        await session.execute(
            select(Delivery, StoredEvent)
            .join(StoredEvent, StoredEvent.seq == Delivery.event_seq)
            .where(Delivery.id == delivery_id, Delivery.subscription_id == subscription_id)
        )
    ).one_or_none()
    if row is None:
        raise ProblemError(
            404,
            "delivery_not_found",
            f"No delivery {delivery_id} for this subscription.",
            delivery_id=delivery_id,
        )
    return row[0], row[1]


async def deliveries_page(
    session: AsyncSession,
    subscription_id: uuid.UUID,
    *,
    status: DeliveryStatus | None,
    before_id: int | None,
    limit: int,
) -> list[tuple[Delivery, StoredEvent]]:
    """The delivery log, newest first."""
    statement = (
        select(Delivery, StoredEvent)
        .join(StoredEvent, StoredEvent.seq == Delivery.event_seq)
        .where(Delivery.subscription_id == subscription_id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        statement = statement.where(Delivery.status == status)
    if before_id is not None:
        statement = statement.where(Delivery.id < before_id)
    return [(row[0], row[1]) for row in await session.execute(statement)]


async def reopen_backlog(session: AsyncSession, subscription_id: uuid.UUID, now: datetime) -> None:
    """Make a subscription's pending deliveries due now, each with a fresh retry window."""
    await session.execute(
        update(Delivery)
        .where(Delivery.subscription_id == subscription_id, Delivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=now, first_attempt_at=None)
    )


async def claim_heads(
    session: AsyncSession, now: datetime, *, limit: int, lease: timedelta
) -> list[Delivery]:
    """Take the due head of each active subscription's queue, and lease it for one attempt.

    Only a queue's head is ever taken (no earlier pending delivery to the same subscription), so a
    receiver sees its events in order and one failing delivery holds the ones behind it. The
    lease (a later `next_attempt_at`) keeps the head from being taken again while its attempt is
    in flight; if the process dies, the lease runs out and the attempt is made again. Rows another
    dispatcher holds are skipped.
    """
    earlier = aliased(Delivery)
    is_head = ~exists().where(
        earlier.subscription_id == Delivery.subscription_id,
        earlier.status == DeliveryStatus.PENDING,
        tuple_(earlier.event_time, earlier.event_seq, earlier.id)
        < tuple_(Delivery.event_time, Delivery.event_seq, Delivery.id),
    )
    statement = (
        select(Delivery)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now,
            Subscription.active.is_(True),
            is_head,
        )
        .order_by(Delivery.event_time, Delivery.event_seq, Delivery.id)
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    )
    claimed = list((await session.execute(statement)).scalars())
    for delivery in claimed:
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + lease
    return claimed
