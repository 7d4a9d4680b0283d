"""A steady stream of writes through the gateway across the members, agreements and roadmap
services, as people make them: for the fault tests that take something away under a whole
platform and then check that nothing was lost or applied twice.

One *round* of writes, each step waiting for the one before (they build on each other):
- members: a network registered, then renamed under If-Match; a library registered; a member
  state renamed under If-Match (every change the agreements replica and the gateway keep);
- agreements: a draft between PE and CO starting today, proposed, signed by PE's and then by
  CO's representative: it enters into force, and the roadmap service reacts with an
  implementation action (an effect a duplicate event must not repeat);
- roadmap: an action created by the secretariat.
Several rounds run side by side, each pausing between its steps, so writes never stop coming.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx

from sirbi_shared.calendar import today
from tests.support.whole_platform import RunningPlatform

# The member state each writer renames: one each, so writers do not fight over its version.
RENAMED_MEMBER_STATES = ("UY", "PY", "BO", "EC")
# Which service answers each step (through the gateway).
OPERATION_SERVICE = {
    **dict.fromkeys(
        (
            "register network",
            "rename network",
            "register library",
            "read member state",
            "rename member state",
        ),
        "members",
    ),
    **dict.fromkeys(("draft agreement", "propose agreement", "sign for PE", "sign for CO"), "agreements"),
    "create action": "roadmap",
}


@dataclass
class Written:
    operation: str
    status: int | None  # None: no HTTP answer at all
    phase: str  # the phase when it was sent
    body: str = ""


@dataclass
class Traffic:
    """Writers sending rounds until `stop` is set; every answer is kept in `answers`."""

    secretariat: httpx.AsyncClient
    representatives: dict[str, httpx.AsyncClient]
    phase: str = "before"
    answers: list[Written] = field(default_factory=list)
    rounds: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    pause_s: float = 0.1

    async def _send(
        self, operation: str, request: Callable[[], Awaitable[httpx.Response]], *statuses: int
    ) -> dict[str, Any] | None:
        phase = self.phase
        try:
            response = await request()
        except httpx.HTTPError as exc:
            self.answers.append(Written(operation, None, phase, repr(exc)))
            await asyncio.sleep(self.pause_s)
            return None
        self.answers.append(Written(operation, response.status_code, phase, response.text[:600]))
        await asyncio.sleep(self.pause_s)
        if response.status_code not in statuses:
            return None
        body: dict[str, Any] = response.json()
        return body

    async def _round(self, writer: int) -> None:
        tag = uuid.uuid4().hex[:8]
        api, pe, co = self.secretariat, self.representatives["PE"], self.representatives["CO"]
        network = await self._send(
            "register network",
            lambda: api.post(
                "/api/members/networks",
                json={
                    "country": "PE",
                    "kind": "public",
                    "official_name": f"Red de bibliotecas {tag}",
                    "governing_entity": "Biblioteca Nacional del Perú",
                    "status": "in_formation",
                },
            ),
            201,
        )
        if network is not None:
            await self._send(
                "rename network",
                lambda: api.patch(
                    f"/api/members/networks/{network['id']}",
                    json={"official_name": f"Red nacional de bibliotecas {tag}", "status": "constituted"},
                    headers={"If-Match": f'"{network["version"]}"'},
                ),
                200,
            )
        await self._send(
            "register library",
            lambda: api.post(
                "/api/members/libraries",
                json={
                    "name": f"Biblioteca comunal {tag}",
                    "country": "PE",
                    "type": "public",
                    "national_id": f"R-{tag}",
                },
            ),
            201,
        )
        code = RENAMED_MEMBER_STATES[writer % len(RENAMED_MEMBER_STATES)]
        state = await self._send(
            "read member state", lambda: api.get(f"/api/members/member-states/{code}"), 200
        )
        if state is not None:
            names = {lang: f"{name.split(' · ')[0]} · {tag}" for lang, name in state["names"].items()}
            await self._send(
                "rename member state",
                lambda: api.patch(
                    f"/api/members/member-states/{code}",
                    json={"names": names},
                    headers={"If-Match": f'"{state["version"]}"'},
                ),
                200,
            )
        agreement = await self._send(
            "draft agreement",
            lambda: pe.post(
                "/api/agreements/agreements",
                json={
                    "code": f"F-{tag}",
                    "title": f"Convenio de préstamo entre Perú y Colombia {tag}",
                    "objectives": "Préstamo interbibliotecario entre ambas redes nacionales.",
                    "type": "bilateral",
                    "areas": ["interlibrary_loan"],
                    "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
                    "start_date": today().isoformat(),
                },
            ),
            201,
        )
        steps: list[tuple[str, httpx.AsyncClient, str, dict[str, str] | None]] = [
            ("propose agreement", pe, "propose", None),
            (
                "sign for PE",
                pe,
                "signatures",
                {"party": "PE", "signatory": "Titular (PE)", "position": "Director"},
            ),
            (
                "sign for CO",
                co,
                "signatures",
                {"party": "CO", "signatory": "Titular (CO)", "position": "Directora"},
            ),
        ]
        for operation, client, path, body in steps:
            if agreement is None:
                break
            agreement = await self._send(
                operation,
                partial(
                    client.post,
                    f"/api/agreements/agreements/{agreement['id']}/{path}",
                    json=body,
                    headers={"If-Match": f'"{agreement["version"]}"'},
                ),
                200,
            )
        await self._send(
            "create action",
            lambda: api.post(
                "/api/roadmap/actions",
                json={
                    "title": f"Acción de formación {tag}",
                    "start_date": "2026-01-01",
                    "lead_country": "PE",
                },
            ),
            201,
        )

    async def _writer(self, writer: int) -> None:
        while not self.stop.is_set():
            await self._round(writer)
            self.rounds += 1

    async def run(self, writers: int = 2) -> None:
        """Until `stop` is set, then the rounds under way finish."""
        await asyncio.gather(*(self._writer(n) for n in range(writers)))

    def failures(self) -> list[Written]:
        return [a for a in self.answers if a.status is None or not 200 <= a.status < 300]

    def count(self, phase: str) -> int:
        return sum(1 for a in self.answers if a.phase == phase)


async def signed_in(platform: RunningPlatform, email: str, password: str) -> httpx.AsyncClient:
    """A client of the gateway carrying this person's access token."""
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=30) as anonymous:
        login = await anonymous.post("/api/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    return httpx.AsyncClient(
        base_url=platform.gateway_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


async def representatives(
    platform: RunningPlatform, secretariat: httpx.AsyncClient, *countries: str
) -> dict[str, httpx.AsyncClient]:
    """A representative of each country, made by the secretariat and signed in."""
    clients: dict[str, httpx.AsyncClient] = {}
    for country in countries:
        tag = uuid.uuid4().hex[:8]
        email, password = f"rep-{country.lower()}-{tag}@example.org", f"una frase larga de {tag}"
        body = {
            "email": email,
            "display_name": f"Representante de {country} {tag}",
            "password": password,
            "roles": ["representative"],
            "country": country,
        }
        created = await secretariat.post("/api/users", json=body)
        assert created.status_code == 201, created.text
        clients[country] = await signed_in(platform, email, password)
    return clients
