"""Keeps the member replica from `sirbi.members.v1` and reacts to membership changes.

The members service's payload models are not imported (services share no domain code): the
fields read here are part of its documented contract, read tolerantly (unknown fields ignored).
When a member state is suspended or withdraws, the agreements it (or one of its networks) is
party to go under review in the same transaction as the inbox row, so a redelivered event
reviews nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.agreements import service as agreements
from sirbi_agreements.member_facts import repository
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer

MEMBERS_TOPIC = "sirbi.members.v1"
_MEMBER_STATE_VERBS = ("registered", "admitted", "suspended", "reinstated", "withdrawn", "updated")
_NETWORK_VERBS = ("registered", "updated")
# A party that is no longer an active member puts its agreements under review.
_LEAVES_ACTIVE = {"suspended", "withdrawn"}


class _Names(BaseModel):
    model_config = ConfigDict(extra="ignore")
    es: str
    pt: str
    en: str


class MemberStateFacts(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str
    names: _Names
    status: str
    status_reason: str | None = None
    version: int


class NetworkFacts(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID
    country: str
    official_name: str
    status: str
    version: int


async def _member_state_changed(event: CloudEvent, session: AsyncSession) -> None:
    facts = MemberStateFacts.model_validate(event.data["member_state"])
    is_news = await repository.keep_member_state(
        session,
        {
            "code": facts.code,
            "name_es": facts.names.es,
            "name_pt": facts.names.pt,
            "name_en": facts.names.en,
            "status": facts.status,
            "version": facts.version,
        },
    )
    # Only news: replaying an old suspension (a replica rebuilt from the topic) reviews nothing.
    if is_news and facts.status in _LEAVES_ACTIVE:
        await agreements.review_for_member(session, facts.code, facts.status, facts.status_reason)


async def _networks_changed(events: Sequence[CloudEvent], session: AsyncSession) -> None:
    """Networks need no reaction, only their latest state: a statement for all of them."""
    networks = [NetworkFacts.model_validate(event.data["network"]) for event in events]
    await repository.keep_networks(
        session,
        [
            {
                "id": facts.id,
                "country": facts.country,
                "official_name": facts.official_name,
                "status": facts.status,
                "version": facts.version,
            }
            for facts in networks
        ],
    )


def member_facts_consumer(
    database: Database, bootstrap_servers: str, topic_prefix: str, replication_factor: int
) -> EventConsumer:
    consumer = EventConsumer(
        name="agreements-member-facts",
        database=database,
        bootstrap_servers=bootstrap_servers,
        topics=[topic_prefix + MEMBERS_TOPIC],
        replication_factor=replication_factor,
    )
    for verb in _MEMBER_STATE_VERBS:
        consumer.on(f"org.sirbi.members.memberstate.{verb}.v1")(_member_state_changed)
    for verb in _NETWORK_VERBS:
        consumer.on_batch(f"org.sirbi.members.network.{verb}.v1")(_networks_changed)
    return consumer
