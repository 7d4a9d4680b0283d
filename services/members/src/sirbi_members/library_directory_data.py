"""Demo data: an illustrative library directory, so a fresh `make up` has libraries to show.

The directory page lists and searches them (with and without accents) and the dashboard counts
them by type. ILLUSTRATIVE, not any country's directory: the national libraries and a few other
well-known ones are real institutions, the rest are plausible inventions, and none of the data is
authoritative. Every ISIL and national id is made up in the country's form (an ISIL with the
country's prefix; national ids after local codes such as Peru's ubigeo or Brazil's IBGE code);
coordinates are approximate, and statuses other than open are invented. Places use each
country's own administrative levels, top down.

Loading goes through the directory's registration use case, as the API does, on the
secretariat's seeding account, so each library gets its event and history entry; a library whose
ISIL or national id is already in the directory is left as it is, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sirbi_members.libraries import repository, service
from sirbi_members.libraries.isil import directory_key
from sirbi_members.libraries.models import Capability, LibraryStatus, LibraryType
from sirbi_members.libraries.schemas import Coordinates, LibraryCreate
from sirbi_members.member_states import repository as member_states
from sirbi_members.network_directory_data import SEED_PRINCIPAL
from sirbi_shared.db import Database

# What the demo libraries offer, in bundles from a connected reading room to every service.
ONLINE = (Capability.INTERNET_ACCESS,)
COMPUTER_ROOM = (Capability.INTERNET_ACCESS, Capability.PUBLIC_COMPUTERS)
DIGITAL_LIBRARY = (Capability.INTERNET_ACCESS, Capability.DIGITAL_CONTENT)
EVERY_SERVICE = tuple(Capability)

OPEN = LibraryStatus.OPEN
TEMPORARILY_CLOSED = LibraryStatus.TEMPORARILY_CLOSED
PLANNED = LibraryStatus.PLANNED


def _library(
    country: str,
    name: str,
    kind: LibraryType,
    admin_levels: list[str],
    *,
    isil: str | None = None,
    national_id: str | None = None,
    address: str | None = None,
    at: tuple[float, float] | None = None,
    status: LibraryStatus = OPEN,
    offers: Sequence[Capability] = (),
) -> LibraryCreate:
    # Validated here, as the API would: a mistake in the data fails on import, not halfway a seed.
    return LibraryCreate(
        country=country,
        isil=isil,
        national_id=national_id,
        name=name,
        type=kind,
        admin_levels=admin_levels,
        address=address,
        coordinates=Coordinates(latitude=at[0], longitude=at[1]) if at else None,
        status=status,
        capabilities=list(offers),
    )


DEMO_LIBRARIES: list[LibraryCreate] = [
    # Peru: departamento / provincia / distrito; national ids after the district's ubigeo.
    _library(
        "PE",
        "Biblioteca Nacional del Perú",
        LibraryType.NATIONAL,
        ["Lima", "Lima", "San Borja"],
        isil="PE-BNP",
        address="Av. De la Poesía 160",
        at=(-12.0874, -77.0037),
        offers=EVERY_SERVICE,
    ),
    _library(
        "PE",
        "Gran Biblioteca Pública de Lima",
        LibraryType.PUBLIC,
        ["Lima", "Lima", "Lima"],
        national_id="150101-0002",
        address="Av. Abancay cuadra 4",
        at=(-12.0500, -77.0297),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "PE",
        "Biblioteca Central Pedro Zulen de la Universidad Nacional Mayor de San Marcos",
        LibraryType.UNIVERSITY,
        ["Lima", "Lima", "Lima"],
        isil="PE-UNMSM",
        address="Av. Germán Amézaga 375, Ciudad Universitaria",
        at=(-12.0560, -77.0844),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "PE",
        "Biblioteca Pública de Tumbes",
        LibraryType.PUBLIC,
        ["Tumbes", "Tumbes", "Tumbes"],
        national_id="240101-0001",
        address="Jr. Bolívar 305",
        at=(-3.5669, -80.4515),
        offers=ONLINE,
    ),
    _library(
        "PE",
        "Biblioteca Municipal de Pucallpa",
        LibraryType.PUBLIC,
        ["Ucayali", "Coronel Portillo", "Callería"],
        national_id="250101-0001",
        at=(-8.3791, -74.5539),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "PE",
        "Biblioteca Municipal de Iquitos",
        LibraryType.PUBLIC,
        ["Loreto", "Maynas", "Iquitos"],
        national_id="160101-0001",
        at=(-3.7491, -73.2538),
        status=TEMPORARILY_CLOSED,
    ),
    _library(
        "PE",
        "Biblioteca Comunal de Chinchero",
        LibraryType.COMMUNITY,
        ["Cusco", "Urubamba", "Chinchero"],
        national_id="081302-0001",
        status=PLANNED,
    ),
    _library(
        "PE",
        "Biblioteca Escolar I.E. Miguel Grau de Castilla",
        LibraryType.SCHOOL,
        ["Piura", "Piura", "Castilla"],
        national_id="200104-0003",
        offers=ONLINE,
    ),
    # Colombia: departamento / municipio; national ids after the DIVIPOLA municipality code.
    _library(
        "CO",
        "Biblioteca Nacional de Colombia",
        LibraryType.NATIONAL,
        ["Bogotá, D.C.", "Bogotá, D.C."],
        isil="CO-BNC",
        address="Calle 24 # 5-60",
        at=(4.6107, -74.0690),
        offers=EVERY_SERVICE,
    ),
    _library(
        "CO",
        "Biblioteca Luis Ángel Arango",
        LibraryType.PUBLIC,
        ["Bogotá, D.C.", "Bogotá, D.C."],
        isil="CO-BLAA",
        address="Calle 11 # 4-14",
        at=(4.5970, -74.0730),
        offers=EVERY_SERVICE,
    ),
    _library(
        "CO",
        "Biblioteca Pública Virgilio Barco",
        LibraryType.PUBLIC,
        ["Bogotá, D.C.", "Bogotá, D.C."],
        national_id="11001-BP-003",
        address="Av. Carrera 60 # 57-60",
        at=(4.6560, -74.0900),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "CO",
        "Biblioteca Pública Piloto de Medellín",
        LibraryType.PUBLIC,
        ["Antioquia", "Medellín"],
        national_id="05001-BP-001",
        address="Carrera 64 # 50-32",
        at=(6.2578, -75.5790),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "CO",
        "Biblioteca Pública Municipal de Leticia",
        LibraryType.PUBLIC,
        ["Amazonas", "Leticia"],
        national_id="91001-BP-001",
        at=(-4.2153, -69.9406),
        offers=ONLINE,
    ),
    _library(
        "CO",
        "Biblioteca Comunitaria de Mompox",
        LibraryType.COMMUNITY,
        ["Bolívar", "Santa Cruz de Mompox"],
        national_id="13468-BC-001",
        at=(9.2419, -74.4262),
        status=TEMPORARILY_CLOSED,
    ),
    _library(
        "CO",
        "Biblioteca Escolar Institución Educativa Rural de Quibdó",
        LibraryType.SCHOOL,
        ["Chocó", "Quibdó"],
        national_id="27001-BE-014",
    ),
    # Mexico: estado / municipio (alcaldía in Mexico City).
    _library(
        "MX",
        "Biblioteca Nacional de México",
        LibraryType.NATIONAL,
        ["Ciudad de México", "Coyoacán"],
        isil="MX-BNM",
        address="Centro Cultural Universitario, Ciudad Universitaria",
        at=(19.3139, -99.1837),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "MX",
        "Biblioteca Vasconcelos",
        LibraryType.PUBLIC,
        ["Ciudad de México", "Cuauhtémoc"],
        isil="MX-BVASC",
        address="Eje 1 Norte Mosqueta s/n, Buenavista",
        at=(19.4475, -99.1525),
        offers=EVERY_SERVICE,
    ),
    _library(
        "MX",
        "Biblioteca Central de la UNAM",
        LibraryType.UNIVERSITY,
        ["Ciudad de México", "Coyoacán"],
        isil="MX-UNAM-BC",
        address="Ciudad Universitaria",
        at=(19.3334, -99.1872),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "MX",
        "Biblioteca Pública Municipal de San Cristóbal de las Casas",
        LibraryType.PUBLIC,
        ["Chiapas", "San Cristóbal de las Casas"],
        national_id="RNBP-07-0112",
        at=(16.7370, -92.6376),
        offers=ONLINE,
    ),
    _library(
        "MX",
        "Biblioteca Pública de Mérida",
        LibraryType.PUBLIC,
        ["Yucatán", "Mérida"],
        national_id="RNBP-31-0050",
        at=(20.9674, -89.6237),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "MX",
        "Biblioteca Comunitaria de Tepoztlán",
        LibraryType.COMMUNITY,
        ["Morelos", "Tepoztlán"],
        national_id="RNBP-17-0201",
        status=PLANNED,
    ),
    _library(
        "MX",
        "Biblioteca Escolar Secundaria Técnica 12",
        LibraryType.SCHOOL,
        ["Nuevo León", "Monterrey"],
        national_id="19DST0012K",
        offers=ONLINE,
    ),
    # Brazil: estado / município; national ids after the municipality's IBGE code.
    _library(
        "BR",
        "Fundação Biblioteca Nacional",
        LibraryType.NATIONAL,
        ["Rio de Janeiro", "Rio de Janeiro"],
        isil="BR-FBN",
        address="Av. Rio Branco 219, Centro",
        at=(-22.9097, -43.1753),
        offers=EVERY_SERVICE,
    ),
    _library(
        "BR",
        "Biblioteca de São Paulo",
        LibraryType.PUBLIC,
        ["São Paulo", "São Paulo"],
        national_id="3550308-0001",
        address="Av. Cruzeiro do Sul 2630, Parque da Juventude, Santana",
        at=(-23.5094, -46.6239),
        offers=EVERY_SERVICE,
    ),
    _library(
        "BR",
        "Biblioteca Mário de Andrade",
        LibraryType.PUBLIC,
        ["São Paulo", "São Paulo"],
        national_id="3550308-0002",
        address="Rua da Consolação 94",
        at=(-23.5470, -46.6430),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "BR",
        "Biblioteca Pública Estadual de Minas Gerais",
        LibraryType.PUBLIC,
        ["Minas Gerais", "Belo Horizonte"],
        national_id="3106200-0001",
        address="Praça da Liberdade 21",
        at=(-19.9320, -43.9380),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "BR",
        "Biblioteca Central da Universidade de Brasília",
        LibraryType.UNIVERSITY,
        ["Distrito Federal", "Brasília"],
        isil="BR-UNB-BCE",
        address="Campus Universitário Darcy Ribeiro",
        at=(-15.7610, -47.8680),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "BR",
        "Biblioteca Comunitária do Guamá",
        LibraryType.COMMUNITY,
        ["Pará", "Belém"],
        national_id="1501402-0007",
        at=(-1.4558, -48.5044),
        offers=ONLINE,
    ),
    _library(
        "BR",
        "Biblioteca Escolar da Escola Estadual Rio Negro",
        LibraryType.SCHOOL,
        ["Amazonas", "Manaus"],
        national_id="1302603-0031",
        status=TEMPORARILY_CLOSED,
    ),
    # Argentina: provincia / departamento (partido in Buenos Aires, comuna in the capital);
    # popular libraries by their CONABIP registration number.
    _library(
        "AR",
        "Biblioteca Nacional Mariano Moreno",
        LibraryType.NATIONAL,
        ["Ciudad Autónoma de Buenos Aires", "Comuna 2"],
        isil="AR-BNMM",
        address="Agüero 2502",
        at=(-34.5840, -58.3936),
        offers=EVERY_SERVICE,
    ),
    _library(
        "AR",
        "Biblioteca del Congreso de la Nación",
        LibraryType.SPECIAL,
        ["Ciudad Autónoma de Buenos Aires", "Comuna 1"],
        isil="AR-BCN",
        address="Hipólito Yrigoyen 1750",
        at=(-34.6097, -58.3920),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "AR",
        "Biblioteca Pública de la Universidad Nacional de La Plata",
        LibraryType.UNIVERSITY,
        ["Buenos Aires", "La Plata"],
        isil="AR-UNLP-BP",
        address="Plaza Rocha 137",
        at=(-34.9140, -57.9540),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "AR",
        "Biblioteca Popular Domingo Faustino Sarmiento",
        LibraryType.COMMUNITY,
        ["San Juan", "Capital"],
        national_id="CONABIP-0418",
        at=(-31.5375, -68.5364),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "AR",
        "Biblioteca Popular de Tilcara",
        LibraryType.COMMUNITY,
        ["Jujuy", "Tilcara"],
        national_id="CONABIP-1207",
        at=(-23.5770, -65.3960),
        offers=ONLINE,
    ),
    _library(
        "AR",
        "Biblioteca Popular Ñandutí de Posadas",
        LibraryType.COMMUNITY,
        ["Misiones", "Capital"],
        national_id="CONABIP-2093",
        status=PLANNED,
    ),
    # Chile: región / provincia / comuna; public libraries by their number in the national system.
    _library(
        "CL",
        "Biblioteca Nacional de Chile",
        LibraryType.NATIONAL,
        ["Metropolitana de Santiago", "Santiago", "Santiago"],
        isil="CL-BNCH",
        address="Av. Libertador Bernardo O'Higgins 651",
        at=(-33.4418, -70.6453),
        offers=EVERY_SERVICE,
    ),
    _library(
        "CL",
        "Biblioteca de Santiago",
        LibraryType.PUBLIC,
        ["Metropolitana de Santiago", "Santiago", "Santiago"],
        national_id="SNBP-001",
        address="Matucana 151",
        at=(-33.4456, -70.6796),
        offers=EVERY_SERVICE,
    ),
    _library(
        "CL",
        "Biblioteca Santiago Severín",
        LibraryType.PUBLIC,
        ["Valparaíso", "Valparaíso", "Valparaíso"],
        national_id="SNBP-044",
        address="Plaza Víctor Hugo s/n",
        at=(-33.0430, -71.6230),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "CL",
        "Biblioteca Regional de Antofagasta",
        LibraryType.PUBLIC,
        ["Antofagasta", "Antofagasta", "Antofagasta"],
        national_id="SNBP-327",
        at=(-23.6509, -70.3975),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "CL",
        "Biblioteca Pública de Puerto Natales",
        LibraryType.PUBLIC,
        ["Magallanes y de la Antártica Chilena", "Última Esperanza", "Natales"],
        national_id="SNBP-219",
        at=(-51.7236, -72.4875),
        status=TEMPORARILY_CLOSED,
    ),
    _library(
        "CL",
        "Biblioteca Escolar CRA Escuela Rural de Castro",
        LibraryType.SCHOOL,
        ["Los Lagos", "Chiloé", "Castro"],
        national_id="RBD-22410",
        offers=ONLINE,
    ),
    # Spain: comunidad autónoma / provincia / municipio; national ids after the INE municipality code.
    _library(
        "ES",
        "Biblioteca Nacional de España",
        LibraryType.NATIONAL,
        ["Comunidad de Madrid", "Madrid", "Madrid"],
        isil="ES-BNE",
        address="Paseo de Recoletos 20-22",
        at=(40.4238, -3.6902),
        offers=EVERY_SERVICE,
    ),
    _library(
        "ES",
        "Biblioteca Pública del Estado en Sevilla Infanta Elena",
        LibraryType.PUBLIC,
        ["Andalucía", "Sevilla", "Sevilla"],
        national_id="41091-BPE",
        address="Avenida de María Luisa 8",
        at=(37.3770, -5.9870),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "ES",
        "Biblioteca General Histórica de la Universidad de Salamanca",
        LibraryType.UNIVERSITY,
        ["Castilla y León", "Salamanca", "Salamanca"],
        isil="ES-USAL-BGH",
        address="Calle Libreros s/n",
        at=(40.9613, -5.6668),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "ES",
        "Biblioteca Pública Municipal de Cáceres",
        LibraryType.PUBLIC,
        ["Extremadura", "Cáceres", "Cáceres"],
        national_id="10037-BM-01",
        at=(39.4753, -6.3724),
        offers=ONLINE,
    ),
    _library(
        "ES",
        "Biblioteca Escolar del IES Vega del Turia",
        LibraryType.SCHOOL,
        ["Aragón", "Teruel", "Teruel"],
        national_id="44216-BE-03",
    ),
    # Portugal: distrito / concelho / freguesia.
    _library(
        "PT",
        "Biblioteca Nacional de Portugal",
        LibraryType.NATIONAL,
        ["Lisboa", "Lisboa", "Alvalade"],
        isil="PT-BNP",
        address="Campo Grande 83",
        at=(38.7509, -9.1526),
        offers=EVERY_SERVICE,
    ),
    _library(
        "PT",
        "Biblioteca Municipal Almeida Garrett",
        LibraryType.PUBLIC,
        ["Porto", "Porto", "Lordelo do Ouro e Massarelos"],
        national_id="RNBP-1312",
        address="Rua de Dom Manuel II, Jardins do Palácio de Cristal",
        at=(41.1480, -8.6260),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "PT",
        "Biblioteca Geral da Universidade de Coimbra",
        LibraryType.UNIVERSITY,
        ["Coimbra", "Coimbra", "Sé Nova, Santa Cruz, Almedina e São Bartolomeu"],
        isil="PT-UC-BG",
        address="Largo da Porta Férrea",
        at=(40.2080, -8.4260),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "PT",
        "Biblioteca Municipal de Bragança",
        LibraryType.PUBLIC,
        ["Bragança", "Bragança", "Sé, Santa Maria e Meixedo"],
        national_id="RNBP-0402",
        at=(41.8060, -6.7567),
        status=PLANNED,
    ),
    _library(
        "PT",
        "Biblioteca Escolar da Escola Básica de São Pedro de Faro",
        LibraryType.SCHOOL,
        ["Faro", "Faro", "Sé e São Pedro"],
        national_id="RBE-0805",
        offers=ONLINE,
    ),
    # Ecuador: provincia / cantón / parroquia.
    _library(
        "EC",
        "Biblioteca Nacional del Ecuador Eugenio Espejo",
        LibraryType.NATIONAL,
        ["Pichincha", "Quito", "Mariscal Sucre"],
        isil="EC-BNEE",
        address="Av. 6 de Diciembre N16-224 y Patria",
        at=(-0.2100, -78.4960),
        offers=DIGITAL_LIBRARY,
    ),
    _library(
        "EC",
        "Biblioteca Municipal de Guayaquil",
        LibraryType.PUBLIC,
        ["Guayas", "Guayaquil"],
        national_id="0901-BM-001",
        address="Av. 10 de Agosto y Pedro Carbo",
        at=(-2.1940, -79.8820),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "EC",
        "Biblioteca Comunitaria Kichwa de Otavalo",
        LibraryType.COMMUNITY,
        ["Imbabura", "Otavalo", "San Luis"],
        national_id="1004-BC-002",
        at=(0.2341, -78.2625),
        offers=ONLINE,
    ),
    _library(
        "EC",
        "Biblioteca Municipal de Puerto Ayora",
        LibraryType.PUBLIC,
        ["Galápagos", "Santa Cruz", "Puerto Ayora"],
        national_id="2003-BM-001",
        at=(-0.7436, -90.3132),
        status=PLANNED,
    ),
    # Uruguay: departamento / municipio.
    _library(
        "UY",
        "Biblioteca Nacional de Uruguay",
        LibraryType.NATIONAL,
        ["Montevideo", "Municipio B"],
        isil="UY-BNU",
        address="Av. 18 de Julio 1790",
        at=(-34.9010, -56.1750),
        offers=EVERY_SERVICE,
    ),
    _library(
        "UY",
        "Biblioteca Pública Departamental de Tacuarembó",
        LibraryType.PUBLIC,
        ["Tacuarembó", "Tacuarembó"],
        national_id="BPD-TAC-01",
        at=(-31.7110, -55.9810),
        offers=COMPUTER_ROOM,
    ),
    _library(
        "UY",
        "Biblioteca Popular de Colonia del Sacramento",
        LibraryType.COMMUNITY,
        ["Colonia", "Colonia del Sacramento"],
        national_id="BP-COL-03",
        at=(-34.4710, -57.8440),
        offers=ONLINE,
    ),
]


async def seed_library_directory(database: Database) -> None:
    """Register each demo library of a registered member state, unless it is already there."""
    for library in DEMO_LIBRARIES:
        # One transaction per library: a failure leaves the ones before it registered, and a
        # rerun picks up where it stopped.
        async with database.transaction() as session:
            if not await member_states.exists(session, library.country):
                continue
            key = directory_key(library.country, library.isil, library.national_id)
            if await repository.key_taken(session, key):
                continue  # never overwrite what representatives changed since
            await service.register(session, library, SEED_PRINCIPAL.subject)
