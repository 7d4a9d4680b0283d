"""Demo data loaded by `make up` (`python -m sirbi_agreements seed`): three international
partners and a handful of plausible agreements between the demo member states, in several
stages of their lives. They are illustrations, not records of real agreements.

The seed runs before the service has heard from the members service, so it does not check
membership against the replica: it is trusted reference data. Each agreement still walks its
lifecycle through the domain rules, so it gets every event and history entry a real one would,
and a second run changes nothing (codes and partner names already present are left alone).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.agreements import repository as agreements
from sirbi_agreements.agreements.events import (
    AgreementDrafted,
    AgreementEnteredIntoForce,
    AgreementProposed,
    AgreementSigned,
)
from sirbi_agreements.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementType,
    CooperationArea,
    PartyKind,
    RenewalRule,
)
from sirbi_agreements.agreements.service import publish
from sirbi_agreements.partners import repository as partners
from sirbi_agreements.partners import service as partner_service
from sirbi_agreements.partners.models import Partner, PartnerKind
from sirbi_agreements.partners.schemas import PartnerFields
from sirbi_shared.calendar import today
from sirbi_shared.db import Database

SEED_ACTOR = "system:seed"

PARTNERS = [
    PartnerFields.model_validate(
        {
            "name": "Centro Regional para el Fomento del Libro en América Latina y el Caribe (CERLALC)",
            "kind": PartnerKind.INTERGOVERNMENTAL,
            "country": "CO",
            "website": "https://cerlalc.org/",
        }
    ),
    PartnerFields.model_validate(
        {
            "name": "Federación Internacional de Asociaciones e Instituciones Bibliotecarias (IFLA)",
            "kind": PartnerKind.INTERNATIONAL_ASSOCIATION,
            "country": "NL",
            "website": "https://www.ifla.org/",
        }
    ),
    PartnerFields.model_validate(
        {
            "name": (
                "Organización de Estados Iberoamericanos para la Educación, la Ciencia y la Cultura (OEI)"
            ),
            "kind": PartnerKind.INTERGOVERNMENTAL,
            "country": "ES",
            "website": "https://oei.int/",
        }
    ),
]

# Spanish names of the member states the demo agreements involve (the replica may be empty
# when the seed runs).
STATE_NAMES = {
    "AR": "Argentina",
    "BR": "Brasil",
    "CL": "Chile",
    "CO": "Colombia",
    "MX": "México",
    "PE": "Perú",
    "PT": "Portugal",
    "PY": "Paraguay",
    "UY": "Uruguay",
}


@dataclass(frozen=True)
class DemoAgreement:
    code: str
    title: str
    objectives: str
    type: AgreementType
    areas: list[CooperationArea]
    parties: list[str]  # member-state codes, or partner names
    start: date
    end: date | None
    renewal: RenewalRule
    renewal_months: int | None
    signed_by: int  # how many parties signed, in order; 0: a draft, never proposed


AGREEMENTS = [
    DemoAgreement(
        code="DEMO-MARCO-2025",
        title="Acuerdo marco de cooperación regional entre redes nacionales de bibliotecas públicas",
        objectives=(
            "Establecer el marco para la formación de bibliotecarios, la catalogación compartida y "
            "los programas de promoción de lectura entre las redes nacionales participantes."
        ),
        type=AgreementType.FRAMEWORK,
        areas=[
            CooperationArea.TRAINING,
            CooperationArea.SHARED_CATALOGUING,
            CooperationArea.CULTURAL_ACTIVITIES_AND_READING_PROMOTION,
        ],
        parties=[PARTNERS[0].name, "CO", "PE", "CL", "MX"],
        start=date(2025, 3, 1),
        end=date(2027, 12, 31),
        renewal=RenewalRule.BY_AGREEMENT,
        renewal_months=None,
        signed_by=5,
    ),
    DemoAgreement(
        code="DEMO-PE-CO-2025-PIB",
        title="Convenio de préstamo interbibliotecario y catálogo colectivo entre Perú y Colombia",
        objectives="Préstamo interbibliotecario entre ambas redes y un catálogo colectivo compartido.",
        type=AgreementType.BILATERAL,
        areas=[CooperationArea.INTERLIBRARY_LOAN, CooperationArea.UNION_CATALOGUE],
        parties=["PE", "CO"],
        start=date(2025, 1, 15),
        end=date(2027, 1, 14),
        renewal=RenewalRule.AUTOMATIC,
        renewal_months=24,
        signed_by=2,
    ),
    DemoAgreement(
        code="DEMO-BR-PT-2026-DIG",
        title="Acordo de digitalização e preservação de acervos partilhados entre Brasil e Portugal",
        objectives="Digitalizar e preservar coleções de património bibliográfico comum aos dois países.",
        type=AgreementType.BILATERAL,
        areas=[CooperationArea.DIGITISATION, CooperationArea.PRESERVATION],
        parties=["BR", "PT"],
        start=date(2027, 1, 1),
        end=date(2029, 12, 31),
        renewal=RenewalRule.NONE,
        renewal_months=None,
        signed_by=1,
    ),
    DemoAgreement(
        code="DEMO-AR-UY-PY-2026-CONS",
        title="Compra consorciada de contenidos digitales para bibliotecas públicas del Río de la Plata",
        objectives="Negociar en conjunto licencias de libros electrónicos y audiolibros en español.",
        type=AgreementType.MULTILATERAL,
        areas=[CooperationArea.CONSORTIUM_PURCHASE, CooperationArea.CONTENT_CREATION],
        parties=["AR", "UY", "PY"],
        start=date(2027, 3, 1),
        end=date(2030, 2, 28),
        renewal=RenewalRule.BY_AGREEMENT,
        renewal_months=None,
        signed_by=0,
    ),
    DemoAgreement(
        code="DEMO-MX-IFLA-2024-FORM",
        title="Programa específico de formación de bibliotecarios escolares de México con la IFLA",
        objectives="Cursos de formación continua para bibliotecarios escolares, en línea y presenciales.",
        type=AgreementType.SPECIFIC,
        areas=[CooperationArea.TRAINING],
        parties=["MX", PARTNERS[1].name],
        start=date(2024, 2, 1),
        end=date(2025, 12, 31),
        renewal=RenewalRule.NONE,
        renewal_months=None,
        signed_by=2,
    ),
]


async def _partner_ids(database: Database) -> dict[str, Partner]:
    async with database.transaction() as session:
        by_name = {p.name: p for p in await partners.list_all(session)}
    for fields in PARTNERS:
        if fields.name not in by_name:
            async with database.transaction() as session:
                by_name[fields.name] = await partner_service.register(session, fields, SEED_ACTOR)
    return by_name


def _party(position: int, ref: str, known_partners: dict[str, Partner]) -> AgreementParty:
    if ref in STATE_NAMES:
        return AgreementParty(
            position=position, kind=PartyKind.MEMBER_STATE, ref=ref, country=ref, name=STATE_NAMES[ref]
        )
    partner = known_partners[ref]
    return AgreementParty(
        position=position,
        kind=PartyKind.PARTNER,
        ref=str(partner.id),
        country=partner.country,
        name=partner.name,
    )


async def _walk(session: AsyncSession, demo: DemoAgreement, known_partners: dict[str, Partner]) -> None:
    now = datetime.now(UTC)
    agreement = Agreement(
        id=uuid.uuid4(),
        code=demo.code,
        title=demo.title,
        objectives=demo.objectives,
        type=demo.type,
        areas=[a.value for a in demo.areas],
        start_date=demo.start,
        end_date=demo.end,
        renewal_rule=demo.renewal,
        renewal_months=demo.renewal_months,
        status=AgreementStatus.DRAFT,
        version=1,
        created_by=SEED_ACTOR,
        created_at=now,
        updated_at=now,
        parties=[_party(i, ref, known_partners) for i, ref in enumerate(demo.parties, start=1)],
        amendments=[],
    )
    session.add(agreement)
    await publish(session, agreement, AgreementDrafted, "drafted", SEED_ACTOR, new_version=False)
    if demo.signed_by == 0:
        return
    agreement.propose()
    await publish(session, agreement, AgreementProposed, "proposed", SEED_ACTOR)
    day = today()
    for party in agreement.parties[: demo.signed_by]:
        agreement.sign(
            party,
            signatory=f"Representación de {party.name}",
            position="Titular de la institución firmante",
            signed_on=min(demo.start, day),
            actor=SEED_ACTOR,
        )
        await publish(session, agreement, AgreementSigned, "signed", SEED_ACTOR, party=party.ref)
    if agreement.due_to_enter_into_force(day):
        agreement.enter_into_force(day)
        await publish(session, agreement, AgreementEnteredIntoForce, "entered_into_force", SEED_ACTOR)
    # Past end dates are the scheduler's business: its first tick expires or renews them.


async def seed(database: Database) -> None:
    known_partners = await _partner_ids(database)
    for demo in AGREEMENTS:
        async with database.transaction() as session:
            if await agreements.code_taken(session, demo.code):
                continue  # never overwrite what people changed since
            await _walk(session, demo, known_partners)
