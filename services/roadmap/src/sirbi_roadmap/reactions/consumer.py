"""Consumes `sirbi.agreements.v1` and `sirbi.members.v1` and reacts:
- an agreement entered into force → its implementation action is proposed;
- an agreement terminated → its open actions are flagged;
- a member state withdrew → it leaves every open action, and the actions it led are flagged.

Other services' payloads are read tolerantly from their documented contracts (no shared domain
code). Each reaction runs in the transaction of the event's inbox row: one effect per event,
however often it is delivered.
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_roadmap.actions import reactions
from sirbi_shared.db import Database
from sirbi_shared.events import CloudEvent
from sirbi_shared.inbox import EventConsumer

AGREEMENTS_TOPIC = "sirbi.agreements.v1"
MEMBERS_TOPIC = "sirbi.members.v1"
_COUNTRY_PARTIES = {"member_state", "network"}


class _Party(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: str
    country: str | None = None


class _Agreement(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID
    code: str
    title: str
    objectives: str
    areas: list[str]
    parties: list[_Party]
    start_date: date
    end_date: date | None = None


class _MemberState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str
    status: str


async def _agreement_in_force(event: CloudEvent, session: AsyncSession) -> None:
    agreement = _Agreement.model_validate(event.data["agreement"])
    await reactions.propose_for_agreement(
        session,
        reactions.AgreementInForce(
            id=agreement.id,
            code=agreement.code,
            title=agreement.title,
            objectives=agreement.objectives,
            areas=agreement.areas,
            countries=[p.country for p in agreement.parties if p.kind in _COUNTRY_PARTIES and p.country],
            start_date=agreement.start_date,
            end_date=agreement.end_date,
        ),
    )


async def _agreement_terminated(event: CloudEvent, session: AsyncSession) -> None:
    agreement = _Agreement.model_validate(event.data["agreement"])
    await reactions.agreement_terminated(session, agreement.id)


async def _member_withdrew(event: CloudEvent, session: AsyncSession) -> None:
    member = _MemberState.model_validate(event.data["member_state"])
    await reactions.member_withdrew(session, member.code)


def reactions_consumer(
    database: Database, bootstrap_servers: str, topic_prefix: str, replication_factor: int
) -> EventConsumer:
    consumer = EventConsumer(
        name="roadmap-reactions",
        database=database,
        bootstrap_servers=bootstrap_servers,
        topics=[topic_prefix + AGREEMENTS_TOPIC, topic_prefix + MEMBERS_TOPIC],
        replication_factor=replication_factor,
    )
    consumer.on("org.sirbi.agreements.agreement.entered_into_force.v1")(_agreement_in_force)
    consumer.on("org.sirbi.agreements.agreement.terminated.v1")(_agreement_terminated)
    consumer.on("org.sirbi.members.memberstate.withdrawn.v1")(_member_withdrew)
    return consumer
