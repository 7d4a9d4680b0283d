"""Who may change what in the members service.

The secretariat does everything; a national representative changes only their own country's
networks, representatives and libraries; everyone else (observers, working groups) reads.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sirbi_shared.auth import Principal, Role
from sirbi_shared.auth.dependencies import require_roles
from sirbi_shared.http.problems import ProblemError

Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT))]
Editor = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT, Role.REPRESENTATIVE))]


def ensure_country_scope(principal: Principal, country: str) -> None:
    """A representative acts for their own country only."""
    if principal.has_role(Role.SECRETARIAT):
        return
    if principal.has_role(Role.REPRESENTATIVE) and principal.country == country:
        return
    raise ProblemError(
        403,
        "country_scope",
        f"You can change records of your own country only, not of {country}.",
        country=country,
    )
