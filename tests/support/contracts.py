"""Events as other services publish them (their documented contracts, docs/events/asyncapi.json),
built by hand for tests that exercise one service's consumer without running the publisher.
`TopicPublisher` sends them to the real broker, keyed and with headers as a relay would."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from sirbi_shared.events import CloudEvent

NAMES = {"PE": "Perú", "CO": "Colombia", "CL": "Chile", "MX": "México", "BR": "Brasil", "AR": "Argentina"}


class TopicPublisher:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def send(self, event: CloudEvent) -> None:
        await self.producer.send_and_wait(
            self.topic, value=event.kafka_value(), key=event.kafka_key(), headers=event.kafka_headers()
        )


def _event(source: str, type_: str, key: str, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(source=source, type=type_, subject=key, data=data, extensions={"partitionkey": key})


def member_state_event(
    code: str, verb: str, status: str, version: int, reason: str | None = None
) -> CloudEvent:
    name = NAMES.get(code, code)
    return _event(
        "/sirbi/members",
        f"org.sirbi.members.memberstate.{verb}.v1",
        code,
        {
            "member_state": {
                "code": code,
                "names": {"es": name, "pt": name, "en": name},
                "status": status,
                "status_reason": reason,
                "admitted_on": "2020-01-01",
                "version": version,
                "updated_at": datetime.now(UTC).isoformat(),
            }
        },
    )


def network_event(network_id: str, country: str, status: str, version: int) -> CloudEvent:
    return _event(
        "/sirbi/members",
        "org.sirbi.members.network.registered.v1",
        network_id,
        {
            "network": {
                "id": network_id,
                "country": country,
                "kind": "public",
                "official_name": f"Red Nacional de Bibliotecas Públicas ({country})",
                "governing_entity": "Ministerio de Cultura",
                "website": None,
                "status": status,
                "version": version,
                "created_at": datetime.now(UTC).isoformat(),
                "updated_at": datetime.now(UTC).isoformat(),
            }
        },
    )


def agreement_event(
    verb: str,
    *,
    agreement_id: uuid.UUID,
    countries: list[str],
    areas: list[str],
    status: str,
    version: int,
    start: date = date(2025, 1, 1),
    end: date | None = date(2027, 12, 31),
    code: str = "CONV-TEST-01",
) -> CloudEvent:
    """An `org.sirbi.agreements.agreement.<verb>.v1` event between member states."""
    now = datetime.now(UTC).isoformat()
    return _event(
        "/sirbi/agreements",
        f"org.sirbi.agreements.agreement.{verb}.v1",
        str(agreement_id),
        {
            "agreement": {
                "id": str(agreement_id),
                "code": code,
                "title": "Convenio de préstamo interbibliotecario",
                "objectives": "Préstamo interbibliotecario entre las redes nacionales.",
                "type": "bilateral" if len(countries) == 2 else "multilateral",
                "areas": areas,
                "parties": [
                    {
                        "kind": "member_state",
                        "ref": c,
                        "country": c,
                        "name": NAMES.get(c, c),
                        "signature": None,
                    }
                    for c in countries
                ],
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
                "renewal": {"rule": "none", "months": None},
                "status": status,
                "status_reason": None,
                "amendments": [],
                "version": version,
                "created_by": "ana.secretariat",
                "created_at": now,
                "updated_at": now,
            }
        },
    )


def library_event(
    verb: str,
    *,
    library_id: uuid.UUID,
    country: str,
    library_type: str = "public",
    status: str = "open",
    version: int = 1,
    name: str = "Biblioteca Pública Municipal",
) -> CloudEvent:
    """An `org.sirbi.members.library.<verb>.v1` event, as published on `sirbi.directory.v1`."""
    return _event(
        "/sirbi/members",
        f"org.sirbi.members.library.{verb}.v1",
        str(library_id),
        {
            "library": {
                "id": str(library_id),
                "isil": None,
                "national_id": None,
                "name": name,
                "type": library_type,
                "country": country,
                "admin_area": "Capital",
                "admin_levels": ["Capital"],
                "address": None,
                "coordinates": None,
                "status": status,
                "capabilities": [],
                "version": version,
                "updated_at": datetime.now(UTC).isoformat(),
            }
        },
    )


def action_event(
    verb: str,
    *,
    action_id: uuid.UUID,
    lead_country: str,
    participants: list[str],
    status: str = "proposed",
    version: int = 1,
    title: str = "Catálogo colectivo regional",
) -> CloudEvent:
    """An `org.sirbi.roadmap.action.<verb>.v1` event, as published on `sirbi.roadmap.v1`."""
    now = datetime.now(UTC).isoformat()
    return _event(
        "/sirbi/roadmap",
        f"org.sirbi.roadmap.action.{verb}.v1",
        str(action_id),
        {
            "action": {
                "id": str(action_id),
                "title": title,
                "description": "Un catálogo colectivo de las bibliotecas nacionales.",
                "line_id": None,
                "working_group_id": None,
                "lead_country": lead_country,
                "participants": participants,
                "agreement_id": None,
                "origin": "proposal",
                "start_date": "2026-01-01",
                "due_date": None,
                "status": status,
                "status_reason": None,
                "priority": "medium",
                "flags": [],
                "overdue": False,
                "progress": [],
                "indicators": [],
                "milestones": [],
                "version": version,
                "created_by": "ana.secretariat",
                "created_at": now,
                "updated_at": now,
            }
        },
    )
