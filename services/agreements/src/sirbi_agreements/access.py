"""Who may do what in the agreements service.

The secretariat does everything. A national representative drafts and proposes agreements their
country is party to (as a member state or through one of its national networks) and signs only
for their own country's parties. Everyone else reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends

from sirbi_shared.auth import Principal, Role
from sirbi_shared.auth.dependencies import require_roles
from sirbi_shared.http.problems import ProblemError

Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT))]
Drafter = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT, Role.REPRESENTATIVE))]


def ensure_party_country(principal: Principal, countries: Iterable[str | None]) -> None:
    """A representative works only on agreements their own country is party to."""
    if principal.has_role(Role.SECRETARIAT):
        return
    if principal.country is not None and principal.country in set(countries):
        return
    raise ProblemError(
        403,
        "country_scope",
        "You can draft and propose only agreements your own country is party to.",
        country=principal.country,
    )


def ensure_signs_for_own_country(principal: Principal, party_country: str | None) -> None:
    if principal.has_role(Role.SECRETARIAT):
        return
    if party_country is not None and principal.country == party_country:
        return
    raise ProblemError(
        403,
        "country_scope",
        "You can sign only for your own country (its member state or one of its networks).",
        country=principal.country,
        party_country=party_country,
    )
