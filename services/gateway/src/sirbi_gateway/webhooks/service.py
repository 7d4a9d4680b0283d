"""Webhook use cases: integration clients manage their subscriptions (the secretariat manages
all); events are filed for the subscriptions that want them; attempts' outcomes are recorded and
a subscription whose endpoint keeps failing is disabled with its backlog kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.streams import outbox
from sirbi_gateway.webhooks import repository
from sirbi_gateway.webhooks.events import (
    SubscriptionCreated,
    SubscriptionDisabled,
    SubscriptionEnabled,
    SubscriptionEvent,
    SubscriptionSecretRotated,
    SubscriptionUpdated,
)
from sirbi_gateway.webhooks.models import Delivery, DeliveryCause, DeliveryStatus, StoredEvent, Subscription
from sirbi_gateway.webhooks.policy import DeliveryPolicy
from sirbi_gateway.webhooks.schemas import SubscriptionChange, SubscriptionFields, SubscriptionPublic
from sirbi_gateway.webhooks.signing import new_secret
from sirbi_gateway.webhooks.targets import TargetRules
from sirbi_shared.auth import Principal, Role
from sirbi_shared.changes import SYSTEM_ACTOR, publish_change
from sirbi_shared.events import CloudEvent
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version

AGGREGATE = "webhook_subscription"
_ERROR_LENGTH = 1000


# -- subscriptions ---------------------------------------------------------------------------


async def _published(
    session: AsyncSession,
    subscription: Subscription,
    event: Callable[[SubscriptionPublic], SubscriptionEvent],
    action: str,
    actor: str,
    *,
    new_version: bool = True,
) -> Subscription:
    if new_version:
        subscription.version += 1
        subscription.updated_at = datetime.now(UTC)
    await session.flush()
    public = SubscriptionPublic.of(subscription)
    await publish_change(
        session,
        outbox,
        event(public),
        aggregate_type=AGGREGATE,
        aggregate_id=str(subscription.id),
        version=subscription.version,
        action=action,
        actor=actor,
        state=public,
    )
    return subscription


def _describe(subscription: Subscription, fields: SubscriptionFields) -> None:
    subscription.url = str(fields.url)
    subscription.event_types = list(dict.fromkeys(fields.event_types))
    subscription.countries = sorted(set(fields.countries))
    subscription.description = fields.description


async def visible(
    session: AsyncSession, subscription_id: uuid.UUID, principal: Principal, *, for_update: bool = False
) -> Subscription:
    """The subscription if the caller owns it or is the secretariat; for anyone else it does not
    exist (404, so ids of other clients' subscriptions are not confirmed)."""
    subscription = await repository.get(session, subscription_id, for_update=for_update)
    if subscription.owner != principal.subject and not principal.has_role(Role.SECRETARIAT):
        raise repository.not_found(subscription_id)
    return subscription


async def subscriptions_of(session: AsyncSession, principal: Principal) -> list[Subscription]:
    owner = None if principal.has_role(Role.SECRETARIAT) else principal.subject
    return await repository.list_of(session, owner)


async def create(
    session: AsyncSession, fields: SubscriptionFields, principal: Principal, *, targets: TargetRules
) -> Subscription:
    targets.check(str(fields.url))
    now = datetime.now(UTC)
    subscription = Subscription(
        id=uuid.uuid4(),
        owner=principal.subject,
        secret=new_secret(),
        active=True,
        consecutive_failures=0,
        version=1,
        created_at=now,
        updated_at=now,
    )
    _describe(subscription, fields)
    session.add(subscription)
    return await _published(
        session,
        subscription,
        lambda s: SubscriptionCreated(subscription=s),
        "created",
        principal.subject,
        new_version=False,
    )


async def update(
    session: AsyncSession,
    subscription_id: uuid.UUID,
    change: SubscriptionChange,
    expected: int,
    principal: Principal,
    *,
    targets: TargetRules,
) -> Subscription:
    subscription = await visible(session, subscription_id, principal, for_update=True)
    check_version(subscription.version, expected)
    targets.check(str(change.url))
    _describe(subscription, change)
    if change.active and not subscription.active:
        await _reopen(session, subscription)
    elif not change.active and subscription.active:
        _stop(subscription, "disabled by its owner")
    return await _published(
        session, subscription, lambda s: SubscriptionUpdated(subscription=s), "updated", principal.subject
    )


async def rotate_secret(
    session: AsyncSession,
    subscription_id: uuid.UUID,
    expected: int,
    principal: Principal,
    *,
    grace: timedelta,
) -> Subscription:
    subscription = await visible(session, subscription_id, principal, for_update=True)
    check_version(subscription.version, expected)
    # The old secret signs beside the new one for `grace` (a second rotation ends the first's).
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = datetime.now(UTC) + grace
    subscription.secret = new_secret()
    return await _published(
        session,
        subscription,
        lambda s: SubscriptionSecretRotated(subscription=s),
        "secret_rotated",
        principal.subject,
    )


def _stop(subscription: Subscription, reason: str) -> None:
    subscription.active = False
    subscription.disabled_reason = reason
    subscription.disabled_at = datetime.now(UTC)


async def _reopen(session: AsyncSession, subscription: Subscription) -> None:
    subscription.active = True
    subscription.disabled_reason = None
    subscription.disabled_at = None
    subscription.consecutive_failures = 0
    subscription.failing_since = None
    await repository.reopen_backlog(session, subscription.id, datetime.now(UTC))


async def disable(
    session: AsyncSession, subscription_id: uuid.UUID, expected: int, principal: Principal
) -> Subscription:
    subscription = await visible(session, subscription_id, principal, for_update=True)
    check_version(subscription.version, expected)
    if not subscription.active:
        raise ProblemError(409, "subscription_disabled", "The subscription is disabled already.")
    return await _disabled(session, subscription, "disabled by its owner", principal.subject)


async def _disabled(
    session: AsyncSession, subscription: Subscription, reason: str, actor: str
) -> Subscription:
    _stop(subscription, reason)
    return await _published(
        session,
        subscription,
        lambda s: SubscriptionDisabled(subscription=s, reason=reason),
        "disabled",
        actor,
    )


async def enable(
    session: AsyncSession, subscription_id: uuid.UUID, expected: int, principal: Principal
) -> Subscription:
    """Deliver again; the backlog kept while disabled is due at once, in order."""
    subscription = await visible(session, subscription_id, principal, for_update=True)
    check_version(subscription.version, expected)
    if subscription.active:
        raise ProblemError(409, "subscription_active", "The subscription is active already.")
    await _reopen(session, subscription)
    return await _published(
        session, subscription, lambda s: SubscriptionEnabled(subscription=s), "enabled", principal.subject
    )


# -- deliveries ------------------------------------------------------------------------------


def _delivery(
    subscription: Subscription, event: StoredEvent, cause: DeliveryCause, now: datetime
) -> Delivery:
    return Delivery(
        subscription_id=subscription.id,
        event_seq=event.seq,
        event_time=event.time,
        cause=cause,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


async def file_events(session: AsyncSession, events: Sequence[CloudEvent]) -> int:
    """Keep incoming platform events and queue each for every subscription that wants it, active
    or disabled (a disabled one keeps its backlog). Returns how many deliveries were queued."""
    kept = await repository.keep_events(session, events)
    if not kept:
        return 0  # all came before: they were filed the first time
    now = datetime.now(UTC)
    subscriptions = await repository.every_subscription(session)
    deliveries = [
        _delivery(subscription, stored, DeliveryCause.EVENT, now)
        for stored in kept
        for subscription in subscriptions
        if subscription.wants(stored.type, stored.countries)
    ]
    session.add_all(deliveries)
    return len(deliveries)


async def redeliver(
    session: AsyncSession, subscription_id: uuid.UUID, delivery_id: int, principal: Principal
) -> tuple[Delivery, StoredEvent]:
    """Queue a delivered or failed event again (a new delivery, same message id)."""
    subscription = await visible(session, subscription_id, principal)
    earlier, event = await repository.delivery_of(session, subscription.id, delivery_id)
    if earlier.status == DeliveryStatus.PENDING:
        raise ProblemError(409, "delivery_pending", "This delivery is still queued; it will be tried.")
    again = _delivery(subscription, event, DeliveryCause.REDELIVERY, datetime.now(UTC))
    session.add(again)
    await session.flush()
    return again, event


async def replay(
    session: AsyncSession, subscription_id: uuid.UUID, since: datetime, principal: Principal
) -> int:
    """Queue every kept event since `since` that the subscription wants, in event order."""
    subscription = await visible(session, subscription_id, principal)
    now = datetime.now(UTC)
    deliveries = [
        _delivery(subscription, event, DeliveryCause.REPLAY, now)
        for event in await repository.events_since(session, since)
        if subscription.wants(event.type, event.countries)
    ]
    session.add_all(deliveries)
    return len(deliveries)


@dataclass(frozen=True)
class AttemptOutcome:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def record_attempt(
    session: AsyncSession,
    subscription: Subscription,
    delivery: Delivery,
    outcome: AttemptOutcome,
    policy: DeliveryPolicy,
    now: datetime,
) -> None:
    """Settle one attempt: delivered; or retried later; or given up; and a subscription failing
    for too long is disabled, the failing delivery staying first in its kept backlog."""
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:_ERROR_LENGTH] if outcome.error else None
    if outcome.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        subscription.consecutive_failures = 0
        subscription.failing_since = None
        return
    subscription.consecutive_failures += 1
    subscription.failing_since = subscription.failing_since or now
    if (
        subscription.active
        and subscription.consecutive_failures >= policy.disable_after_failures
        and now - subscription.failing_since >= policy.disable_after
    ):
        delivery.next_attempt_at = now
        last = delivery.last_error or delivery.last_status_code
        reason = (
            f"endpoint failed {subscription.consecutive_failures} attempts in a row "
            f"since {subscription.failing_since.isoformat()}; last: {last}"
        )
        await _disabled(session, subscription, reason, SYSTEM_ACTOR)
        return
    first = delivery.first_attempt_at or now
    if now - first >= policy.give_up_after:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + policy.retry_delay(delivery.attempts)
