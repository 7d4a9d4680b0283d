"""Reference data: the national library networks (or systems) of member states, where known.

Only networks we are sure exist today, with their official name and governing entity; websites
and people are left to each country's representatives. Loading goes through the networks use
case as the secretariat's seeding account, so each network gets its event and history entry, and
a second run changes nothing.
"""

from __future__ import annotations

from sirbi_members.member_states import repository as member_states
from sirbi_members.networks import repository, service
from sirbi_members.networks.models import NetworkKind, NetworkStatus
from sirbi_members.networks.schemas import NetworkCreate
from sirbi_shared.auth import Principal, Role
from sirbi_shared.db import Database

# Reference data is loaded on the secretariat's behalf; history shows "system:seed" as the actor.
SEED_PRINCIPAL = Principal(subject="system:seed", roles=frozenset({Role.SECRETARIAT}))

# (country, kind, official name, governing entity)
NATIONAL_NETWORKS: list[tuple[str, NetworkKind, str, str]] = [
    (
        "AR",
        NetworkKind.POPULAR,
        "Red de Bibliotecas Populares",
        "Comisión Nacional de Bibliotecas Populares (CONABIP)",
    ),
    ("BR", NetworkKind.PUBLIC, "Sistema Nacional de Bibliotecas Públicas", "Fundação Biblioteca Nacional"),
    (
        "CL",
        NetworkKind.PUBLIC,
        "Sistema Nacional de Bibliotecas Públicas",
        "Servicio Nacional del Patrimonio Cultural",
    ),
    ("CL", NetworkKind.SCHOOL, "Bibliotecas Escolares CRA", "Ministerio de Educación"),
    ("CO", NetworkKind.PUBLIC, "Red Nacional de Bibliotecas Públicas", "Biblioteca Nacional de Colombia"),
    (
        "CR",
        NetworkKind.PUBLIC,
        "Sistema Nacional de Bibliotecas (SINABI)",
        "Ministerio de Cultura y Juventud",
    ),
    ("ES", NetworkKind.PUBLIC, "Bibliotecas Públicas del Estado", "Ministerio de Cultura"),
    (
        "MX",
        NetworkKind.PUBLIC,
        "Red Nacional de Bibliotecas Públicas",
        "Secretaría de Cultura, Dirección General de Bibliotecas",
    ),
    ("PE", NetworkKind.PUBLIC, "Sistema Nacional de Bibliotecas", "Biblioteca Nacional del Perú"),
    (
        "PT",
        NetworkKind.PUBLIC,
        "Rede Nacional de Bibliotecas Públicas",
        "Direção-Geral do Livro, dos Arquivos e das Bibliotecas",
    ),
    ("PT", NetworkKind.SCHOOL, "Rede de Bibliotecas Escolares", "Ministério da Educação"),
]


async def seed_networks(database: Database) -> None:
    """Register each known network of a registered member state, unless it is already there."""
    for country, kind, official_name, governing_entity in NATIONAL_NETWORKS:
        async with database.transaction() as session:
            if not await member_states.exists(session, country):
                continue
            if await repository.find(session, country, official_name) is not None:
                continue  # never overwrite what representatives changed since
            details = NetworkCreate(
                country=country,
                kind=kind,
                official_name=official_name,
                governing_entity=governing_entity,
                status=NetworkStatus.CONSTITUTED,
            )
            await service.register(session, details, SEED_PRINCIPAL)
