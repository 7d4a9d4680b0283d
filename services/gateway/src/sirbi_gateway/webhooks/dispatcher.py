"""Sends queued deliveries to the subscribers' endpoints: a background worker, never the request
path. Each round takes the due head of every active subscription's queue (see
`repository.claim_heads`), POSTs them concurrently, signed, and settles each attempt in its own
transaction."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.settings import Settings
from sirbi_gateway.webhooks import repository, service
from sirbi_gateway.webhooks.models import Delivery, Subscription
from sirbi_gateway.webhooks.policy import DeliveryPolicy
from sirbi_gateway.webhooks.signing import cloudevent_body, signed_headers
from sirbi_gateway.webhooks.targets import private_address_of
from sirbi_shared.db import Database

log = logging.getLogger(__name__)

USER_AGENT = "SIRBI-Webhooks/1"
_BODY_EXCERPT = 200


@dataclass(frozen=True)
class Attempt:
    """What one attempt needs, read when its delivery was claimed."""

    delivery_id: int
    subscription_id: uuid.UUID
    url: str
    secrets: tuple[str, ...]  # the current one, and the previous during its grace period
    message_id: str
    body: str


class WebhookDispatcher:
    name = "webhook-dispatcher"

    def __init__(
        self,
        database: Database,
        policy: DeliveryPolicy,
        *,
        poll_seconds: float,
        batch_size: int,
        timeout_seconds: float,
        private_targets_allowed: bool,
    ) -> None:
        self.database = database
        self.policy = policy
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.timeout_seconds = timeout_seconds
        self.private_targets_allowed = private_targets_allowed

    async def run(self) -> None:
        # One pooled client for every endpoint; redirects are not followed (a 3xx is a failure:
        # a signed delivery must not be replayed to a URL the owner did not register).
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout_seconds),
            limits=httpx.Limits(max_connections=self.batch_size, max_keepalive_connections=self.batch_size),
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
        ) as client:
            while True:
                try:
                    sent = await self.round(client)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("webhook round failed")  # the database may be away: next round
                    sent = 0
                if sent == 0:
                    await asyncio.sleep(self.poll_seconds)

    async def round(self, client: httpx.AsyncClient) -> int:
        """Claim the due queue heads and try each once; returns how many were tried."""
        async with self.database.transaction() as session:
            claimed = await repository.claim_heads(
                session, datetime.now(UTC), limit=self.batch_size, lease=self.policy.lease
            )
            attempts = [await self._prepare(session, delivery) for delivery in claimed]
        await asyncio.gather(*(self._attempt(client, attempt) for attempt in attempts))
        return len(attempts)

    @staticmethod
    async def _prepare(session: AsyncSession, delivery: Delivery) -> Attempt:
        subscription = await repository.get(session, delivery.subscription_id)
        event = await repository.event(session, delivery.event_seq)
        body = cloudevent_body(
            event_id=event.event_id,
            source=event.source,
            type_=event.type,
            time=event.time,
            subject=event.subject,
            data=event.data,
        )
        return Attempt(
            delivery.id,
            subscription.id,
            subscription.url,
            subscription.signing_secrets(datetime.now(UTC)),
            event.event_id,
            body,
        )

    async def _attempt(self, client: httpx.AsyncClient, attempt: Attempt) -> None:
        outcome = await self._post(client, attempt)
        now = datetime.now(UTC)
        async with self.database.transaction() as session:
            # The subscription first, as the API's use cases lock it: no lock-order deadlock.
            subscription = await session.get(Subscription, attempt.subscription_id, with_for_update=True)
            delivery = await session.get(Delivery, attempt.delivery_id, with_for_update=True)
            if subscription is None or delivery is None:
                return
            await service.record_attempt(session, subscription, delivery, outcome, self.policy, now)

    async def _post(self, client: httpx.AsyncClient, attempt: Attempt) -> service.AttemptOutcome:
        if not self.private_targets_allowed and (address := await private_address_of(attempt.url)):
            # A failure like any other: retried (the name may be fixed) and, if it stays, disabled.
            return service.AttemptOutcome(
                None, f"refused: the host resolves to a private address ({address})"
            )
        headers = signed_headers(attempt.secrets, attempt.message_id, attempt.body, datetime.now(UTC))
        try:
            response = await client.post(attempt.url, content=attempt.body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return service.AttemptOutcome(None, f"{type(exc).__name__}: {exc}")
        if 200 <= response.status_code < 300:
            return service.AttemptOutcome(response.status_code, None)
        excerpt = response.text[:_BODY_EXCERPT]
        return service.AttemptOutcome(response.status_code, f"HTTP {response.status_code}: {excerpt}")


def webhook_dispatcher(database: Database, settings: Settings) -> WebhookDispatcher:
    policy = DeliveryPolicy(
        retry_initial_seconds=settings.webhook_retry_initial_seconds,
        retry_factor=settings.webhook_retry_factor,
        retry_max_seconds=settings.webhook_retry_max_seconds,
        give_up_after_seconds=settings.webhook_give_up_after_seconds,
        disable_after_failures=settings.webhook_disable_after_failures,
        disable_after_seconds=settings.webhook_disable_after_seconds,
        # Long enough for any attempt to finish and be settled before its head is taken again.
        lease_seconds=settings.webhook_timeout_seconds * 3,
    )
    return WebhookDispatcher(
        database,
        policy,
        poll_seconds=settings.webhook_poll_seconds,
        batch_size=settings.webhook_batch_size,
        timeout_seconds=settings.webhook_timeout_seconds,
        private_targets_allowed=settings.webhook_private_targets_allowed,
    )
