"""Demo data loaded by `make up` (`python -m sirbi_roadmap seed`): a 2025-2027 regional roadmap
with the strategic lines of the network's first regional meeting (Lima), its working groups, and
a few actions at different stages. Illustrations, not records of real commitments.

Everything goes through the use cases, as the secretariat would through the API, so each record
gets its events and history; a second run changes nothing (the roadmap's code marks it loaded).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sirbi_roadmap.actions import service as actions
from sirbi_roadmap.actions.models import Priority
from sirbi_roadmap.actions.schemas import ActionProposal, IndicatorFields, MilestoneFields, ProgressReport
from sirbi_roadmap.areas import CooperationArea as Area
from sirbi_roadmap.roadmaps import repository as roadmaps
from sirbi_roadmap.roadmaps import service as roadmap_service
from sirbi_roadmap.roadmaps.schemas import LineFields, RoadmapFields
from sirbi_roadmap.working_groups import service as groups
from sirbi_roadmap.working_groups.schemas import Coordinator, CountryJoining, GroupFields
from sirbi_shared.auth import Principal, Role
from sirbi_shared.db import Database

SEED = Principal(subject="system:seed", roles=frozenset({Role.SECRETARIAT}))
ROADMAP = RoadmapFields(
    code="HR-2025-2027",
    title="Hoja de ruta de cooperación regional 2025-2027",
    description=(
        "Acordada en la primera reunión regional (Lima): cooperación entre las redes nacionales de "
        "bibliotecas públicas y escolares, por grupos de trabajo y mediante alianzas."
    ),
    starts_on=date(2025, 1, 1),
    ends_on=date(2027, 12, 31),
)
LINES = [
    LineFields(code="L1", title="Alianzas", description="Con IFLA, ONG, organismos públicos y empresas."),
    LineFields(
        code="L2", title="Formación de bibliotecarios", description="Formación continua y certificación."
    ),
    LineFields(code="L3", title="Inclusión digital", description="Apertura, equipamiento y conectividad."),
    LineFields(code="L4", title="Promoción de lectura", description="Actividades culturales conjuntas."),
    LineFields(code="L5", title="Bibliotecas escolares", description="Redes escolares y colecciones."),
]
# name, areas, coordinating country, member countries
GROUPS = [
    ("Formación y profesionalización", [Area.TRAINING], "CO", ["CO", "PE", "EC", "CR"]),
    (
        "Catálogos colectivos y préstamo",
        [Area.UNION_CATALOGUE, Area.SHARED_CATALOGUING, Area.INTERLIBRARY_LOAN],
        "PE",
        ["PE", "CO", "CL", "AR"],
    ),
    (
        "Inclusión digital y conectividad",
        [
            Area.EQUIPMENT_AND_CONNECTIVITY,
            Area.DIGITISATION,
            Area.SHARED_IT_SYSTEMS,
            Area.ONLINE_REFERENCE,
            Area.CONTENT_CREATION,
        ],
        "MX",
        ["MX", "BR", "UY", "PT"],
    ),
    (
        "Lectura y bibliotecas escolares",
        [Area.CULTURAL_ACTIVITIES_AND_READING_PROMOTION],
        "CL",
        ["CL", "ES", "PY"],
    ),
    (
        "Colecciones, compras y preservación",
        [Area.CONSORTIUM_PURCHASE, Area.SHARED_COLLECTION_DEVELOPMENT, Area.PRESERVATION],
        "AR",
        ["AR", "UY", "PY", "BO"],
    ),
]


async def seed(database: Database) -> None:
    async with database.transaction() as session:
        if await roadmaps.by_code(session, ROADMAP.code) is not None:
            return  # loaded before: never overwrite what people changed since
        roadmap = await roadmap_service.create(session, ROADMAP, SEED.subject)
        lines = {f.code: await roadmap_service.add_line(session, roadmap.id, f, SEED.subject) for f in LINES}
        group_ids = {}
        for name, areas, coordinator, countries in GROUPS:
            group = await groups.form(
                session,
                GroupFields(
                    name=name,
                    areas=areas,
                    coordinator=Coordinator(name=f"Coordinación ({coordinator})", country=coordinator),
                ),
                SEED.subject,
            )
            for country in countries:
                group = await groups.country_joins(
                    session, group.id, CountryJoining(country=country), group.version, SEED
                )
            group_ids[name] = group.id

        training = await actions.propose(
            session,
            ActionProposal(
                title="Curso regional de catalogación y servicios para bibliotecarios públicos",
                description="Formación virtual en cuatro módulos, con certificación conjunta.",
                line_id=lines["L2"].id,
                working_group_id=group_ids["Formación y profesionalización"],
                lead_country="CO",
                participants=["PE", "EC", "CR"],
                start_date=date(2025, 4, 1),
                due_date=date(2026, 12, 15),
                priority=Priority.HIGH,
                indicators=[
                    IndicatorFields(name="Bibliotecarios formados", unit="personas", target=Decimal(400))
                ],
                milestones=[
                    MilestoneFields(title="Primera cohorte certificada", due_date=date(2025, 10, 31))
                ],
            ),
            SEED,
        )
        for command in ("plan", "start"):
            training = await actions.change_status(session, training.id, command, training.version, SEED)
        training = await actions.report_progress(
            session,
            training.id,
            ProgressReport(comment="Primera cohorte: 132 inscritos.", percent=35),
            training.version,
            SEED,
        )
        training = await actions.measure(session, training.id, 1, Decimal(132), training.version, SEED)

        catalogue = await actions.propose(
            session,
            ActionProposal(
                title="Piloto de catálogo colectivo regional de bibliotecas públicas",
                description="Reunir los registros de tres redes nacionales en un catálogo consultable.",
                line_id=lines["L1"].id,
                working_group_id=group_ids["Catálogos colectivos y préstamo"],
                lead_country="PE",
                participants=["CO", "CL"],
                start_date=date(2025, 6, 1),
                due_date=date(2026, 6, 30),
                priority=Priority.MEDIUM,
            ),
            SEED,
        )
        for command in ("plan", "start"):
            catalogue = await actions.change_status(session, catalogue.id, command, catalogue.version, SEED)
        await actions.change_status(
            session,
            catalogue.id,
            "block",
            catalogue.version,
            SEED,
            "Falta acordar el perfil de metadatos común.",
        )

        connectivity = await actions.propose(
            session,
            ActionProposal(
                title="Diagnóstico de conectividad de bibliotecas públicas",
                description="Encuesta común sobre acceso a internet y equipos en las bibliotecas de la red.",
                line_id=lines["L3"].id,
                working_group_id=group_ids["Inclusión digital y conectividad"],
                lead_country="MX",
                participants=["BR", "UY"],
                start_date=date(2025, 3, 1),
                due_date=date(2025, 12, 31),
                priority=Priority.HIGH,
            ),
            SEED,
        )
        for command in ("plan", "start", "complete"):
            connectivity = await actions.change_status(
                session, connectivity.id, command, connectivity.version, SEED
            )

        await actions.propose(
            session,
            ActionProposal(
                title="Maratón iberoamericana de lectura en bibliotecas escolares",
                description="Una jornada simultánea de lectura en voz alta en las redes escolares.",
                line_id=lines["L4"].id,
                working_group_id=group_ids["Lectura y bibliotecas escolares"],
                lead_country="CL",
                participants=["ES", "PY"],
                start_date=date(2026, 4, 1),
                due_date=date(2027, 4, 23),
                priority=Priority.MEDIUM,
            ),
            SEED,
        )
        school = await actions.propose(
            session,
            ActionProposal(
                title="Guía común de estándares para bibliotecas escolares",
                description="Estándares mínimos de colección, espacio y personal.",
                line_id=lines["L5"].id,
                working_group_id=group_ids["Lectura y bibliotecas escolares"],
                lead_country="ES",
                participants=["CL"],
                start_date=date(2025, 2, 1),
                due_date=date(2025, 11, 30),
                priority=Priority.LOW,
            ),
            SEED,
        )
        await actions.change_status(session, school.id, "plan", school.version, SEED)
