"""HTTP API of webhook subscriptions: integration clients manage their own, the secretariat sees
and manages all. Changes need the ETag read (If-Match); redelivery and replay queue deliveries
without changing the subscription, so they need none."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from sirbi_gateway.identity.access import Integrator
from sirbi_gateway.settings import Settings
from sirbi_gateway.webhooks import repository, service
from sirbi_gateway.webhooks.models import DeliveryStatus, Subscription
from sirbi_gateway.webhooks.schemas import (
    DeliveryPublic,
    Replay,
    ReplayQueued,
    SubscriptionChange,
    SubscriptionFields,
    SubscriptionPublic,
    SubscriptionWithSecret,
)
from sirbi_gateway.webhooks.targets import TargetRules
from sirbi_shared.db import SessionDep
from sirbi_shared.history import HistoryEntry, read_history
from sirbi_shared.http.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from sirbi_shared.http.problems import ProblemError, problem_docs
from sirbi_shared.http.versioning import IfMatch, set_etag
from sirbi_shared.settings import Environment

router = APIRouter(prefix="/api/webhooks/subscriptions", tags=["webhooks"])

PROBLEMS = problem_docs(
    {
        400: "Malformed body or cursor",
        401: "Not signed in",
        403: "Neither an integration client nor the secretariat",
        404: "No such subscription (or not yours), or no such delivery",
        409: "Already in that state, or the delivery is still queued",
        412: "Stale If-Match",
        422: "Invalid fields (e.g. a URL that is not https, or not public, in production)",
        428: "If-Match missing",
    }
)
READ = (401, 403, 404)
CHANGE = (401, 403, 404, 409, 412, 422, 428)


def _targets(request: Request) -> TargetRules:
    settings: Settings = request.app.state.runtime.settings
    return TargetRules(
        https_only=settings.environment is Environment.PRODUCTION,
        public_only=not settings.webhook_private_targets_allowed,
    )


def _secret_grace(request: Request) -> timedelta:
    settings: Settings = request.app.state.runtime.settings
    return timedelta(seconds=settings.webhook_secret_grace_seconds)


def _answer(response: Response, subscription: Subscription) -> SubscriptionPublic:
    set_etag(response, subscription.version)
    return SubscriptionPublic.of(subscription)


def _with_secret(response: Response, subscription: Subscription) -> SubscriptionWithSecret:
    set_etag(response, subscription.version)
    return SubscriptionWithSecret(
        **SubscriptionPublic.of(subscription).model_dump(), secret=subscription.secret
    )


@router.post(
    "",
    status_code=201,
    operation_id="create_webhook_subscription",
    summary="Subscribe an endpoint to platform events; the signing secret is shown only here",
    responses={k: PROBLEMS[k] for k in (400, 401, 403, 422)},
)
async def create_webhook_subscription(
    body: SubscriptionFields, request: Request, session: SessionDep, principal: Integrator, response: Response
) -> SubscriptionWithSecret:
    subscription = await service.create(session, body, principal, targets=_targets(request))
    response.headers["Location"] = f"{router.prefix}/{subscription.id}"
    return _with_secret(response, subscription)


@router.get(
    "",
    operation_id="list_webhook_subscriptions",
    summary="Your subscriptions (every one, for the secretariat)",
    responses={k: PROBLEMS[k] for k in (401, 403)},
)
async def list_webhook_subscriptions(session: SessionDep, principal: Integrator) -> list[SubscriptionPublic]:
    return [SubscriptionPublic.of(s) for s in await service.subscriptions_of(session, principal)]


@router.get(
    "/{subscription_id}",
    operation_id="get_webhook_subscription",
    summary="One subscription",
    responses={k: PROBLEMS[k] for k in READ},
)
async def get_webhook_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: Integrator, response: Response
) -> SubscriptionPublic:
    return _answer(response, await service.visible(session, subscription_id, principal))


@router.get(
    "/{subscription_id}/history",
    operation_id="webhook_subscription_history",
    summary="Every change, with who made it",
    responses={k: PROBLEMS[k] for k in READ},
)
async def webhook_subscription_history(
    subscription_id: uuid.UUID, session: SessionDep, principal: Integrator
) -> list[HistoryEntry]:
    subscription = await service.visible(session, subscription_id, principal)
    return await read_history(session, service.AGGREGATE, str(subscription.id))


@router.put(
    "/{subscription_id}",
    operation_id="update_webhook_subscription",
    summary="Replace a subscription's URL, event types, countries, description and activity",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def update_webhook_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionChange,
    request: Request,
    session: SessionDep,
    principal: Integrator,
    expected: IfMatch,
    response: Response,
) -> SubscriptionPublic:
    subscription = await service.update(
        session, subscription_id, body, expected, principal, targets=_targets(request)
    )
    return _answer(response, subscription)


@router.post(
    "/{subscription_id}/rotate-secret",
    operation_id="rotate_webhook_secret",
    summary="Replace the signing secret; the new one is shown only here",
    description=(
        "For a grace period (24 h by default) deliveries carry a signature with the old secret "
        "beside one with the new, so the receiver can switch whenever it likes in that time."
    ),
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def rotate_webhook_secret(
    request: Request,
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: Integrator,
    expected: IfMatch,
    response: Response,
) -> SubscriptionWithSecret:
    return _with_secret(
        response,
        await service.rotate_secret(
            session, subscription_id, expected, principal, grace=_secret_grace(request)
        ),
    )


@router.post(
    "/{subscription_id}/disable",
    operation_id="disable_webhook_subscription",
    summary="Stop deliveries; events keep being queued for it",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def disable_webhook_subscription(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: Integrator,
    expected: IfMatch,
    response: Response,
) -> SubscriptionPublic:
    return _answer(response, await service.disable(session, subscription_id, expected, principal))


@router.post(
    "/{subscription_id}/enable",
    operation_id="enable_webhook_subscription",
    summary="Deliver again, starting with the backlog kept while disabled",
    responses={k: PROBLEMS[k] for k in CHANGE},
)
async def enable_webhook_subscription(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: Integrator,
    expected: IfMatch,
    response: Response,
) -> SubscriptionPublic:
    return _answer(response, await service.enable(session, subscription_id, expected, principal))


@router.get(
    "/{subscription_id}/deliveries",
    operation_id="list_webhook_deliveries",
    summary="The delivery log, newest first",
    responses={k: PROBLEMS[k] for k in (400, *READ)},
)
async def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: Integrator,
    status: DeliveryStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> Page[DeliveryPublic]:
    subscription = await service.visible(session, subscription_id, principal)
    after = decode_cursor(cursor, 1)
    if after is not None and not isinstance(after[0], int):
        raise ProblemError(400, "invalid_cursor", "The cursor is not one this API issued.")
    rows = await repository.deliveries_page(
        session, subscription.id, status=status, before_id=after[0] if after else None, limit=limit + 1
    )
    items = [DeliveryPublic.of(d, e.event_id, e.type) for d, e in rows[:limit]]
    next_cursor = encode_cursor([items[-1].id]) if len(rows) > limit else None
    return Page[DeliveryPublic](items=items, next_cursor=next_cursor)


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    operation_id="redeliver_webhook",
    summary="Send a delivered or failed event again (queued behind nothing older)",
    responses={k: PROBLEMS[k] for k in (401, 403, 404, 409)},
)
async def redeliver_webhook(
    subscription_id: uuid.UUID, delivery_id: int, session: SessionDep, principal: Integrator
) -> DeliveryPublic:
    delivery, event = await service.redeliver(session, subscription_id, delivery_id, principal)
    return DeliveryPublic.of(delivery, event.event_id, event.type)


@router.post(
    "/{subscription_id}/replay",
    status_code=202,
    operation_id="replay_webhooks",
    summary="Queue every kept event since a time that the subscription wants",
    responses={k: PROBLEMS[k] for k in (400, 401, 403, 404, 422)},
)
async def replay_webhooks(
    subscription_id: uuid.UUID, body: Replay, session: SessionDep, principal: Integrator
) -> ReplayQueued:
    return ReplayQueued(queued=await service.replay(session, subscription_id, body.since, principal))
