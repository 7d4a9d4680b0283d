"""The data `make up` loads (`python -m sirbi_members seed`): reference data and a demo directory.

The reference data is the 21 CERLALC member states, admitted, with their names in Spanish,
Portuguese and English, and the national library networks known to us (network_directory_data.py).
The demo directory is an illustrative set of libraries in some of those states
(library_directory_data.py), so the directory and the dashboard have something to show.

Loading goes through the same use cases as the API, so each record gets its events and history,
and a second run changes nothing.
"""

from __future__ import annotations

from sirbi_members.library_directory_data import seed_library_directory
from sirbi_members.member_states import repository, service
from sirbi_members.member_states.models import MemberStatus
from sirbi_members.member_states.schemas import LocalizedName
from sirbi_members.network_directory_data import seed_networks
from sirbi_shared.db import Database

SEED_ACTOR = "system:seed"

MEMBER_STATES: list[tuple[str, str, str, str]] = [
    ("AR", "Argentina", "Argentina", "Argentina"),
    ("BO", "Bolivia", "Bolívia", "Bolivia"),
    ("BR", "Brasil", "Brasil", "Brazil"),
    ("CL", "Chile", "Chile", "Chile"),
    ("CO", "Colombia", "Colômbia", "Colombia"),
    ("CR", "Costa Rica", "Costa Rica", "Costa Rica"),
    ("CU", "Cuba", "Cuba", "Cuba"),
    ("DO", "República Dominicana", "República Dominicana", "Dominican Republic"),
    ("EC", "Ecuador", "Equador", "Ecuador"),
    ("SV", "El Salvador", "El Salvador", "El Salvador"),
    ("GT", "Guatemala", "Guatemala", "Guatemala"),
    ("HN", "Honduras", "Honduras", "Honduras"),
    ("MX", "México", "México", "Mexico"),
    ("NI", "Nicaragua", "Nicarágua", "Nicaragua"),
    ("PA", "Panamá", "Panamá", "Panama"),
    ("PY", "Paraguay", "Paraguai", "Paraguay"),
    ("PE", "Perú", "Peru", "Peru"),
    ("PT", "Portugal", "Portugal", "Portugal"),
    ("ES", "España", "Espanha", "Spain"),
    ("UY", "Uruguay", "Uruguai", "Uruguay"),
    ("VE", "Venezuela", "Venezuela", "Venezuela"),
]


async def seed(database: Database) -> None:
    """Everything `make up` loads: the reference data, then the demo library directory."""
    await seed_reference_data(database)
    await seed_library_directory(database)


async def seed_reference_data(database: Database) -> None:
    """The member states and their national networks, without any library (what tests of the
    directory start from, to know every library in it)."""
    for code, es, pt, en in MEMBER_STATES:
        async with database.transaction() as session:
            if await repository.exists(session, code):
                continue  # never overwrite what people changed since
            state = await service.register(session, code, LocalizedName(es=es, pt=pt, en=en), SEED_ACTOR)
            if state.status is MemberStatus.CANDIDATE:
                await service.change_status(session, code, "admit", state.version, SEED_ACTOR)
    await seed_networks(database)
