"""Who may do what in the roadmap service.

The secretariat does everything. A working group's coordinator manages the group's actions and
its membership; the group's members report progress on its actions; a national representative
proposes actions led by their own country; everyone reads. Working groups travel in the access
token (`working_groups` claim: the groups' ids).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from sirbi_shared.auth import Principal, Role
from sirbi_shared.auth.dependencies import current_principal, require_roles
from sirbi_shared.http.problems import ProblemError

Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT))]
SignedIn = Annotated[Principal, Depends(current_principal)]


def coordinates(principal: Principal, group_id: uuid.UUID | None) -> bool:
    if principal.has_role(Role.SECRETARIAT):
        return True
    return (
        group_id is not None
        and principal.has_role(Role.WG_COORDINATOR)
        and str(group_id) in principal.working_groups
    )


def ensure_coordinates(principal: Principal, group_id: uuid.UUID | None) -> None:
    if not coordinates(principal, group_id):
        raise ProblemError(
            403,
            "group_scope",
            "Only the secretariat and the coordinator of the action's working group may do this.",
            working_group_id=str(group_id) if group_id else None,
        )


def ensure_reports_for(principal: Principal, group_id: uuid.UUID | None) -> None:
    """Progress is reported by the group's coordinator and members (and the secretariat)."""
    if coordinates(principal, group_id):
        return
    if (
        group_id is not None
        and principal.has_role(Role.WG_MEMBER)
        and str(group_id) in principal.working_groups
    ):
        return
    raise ProblemError(
        403,
        "group_scope",
        "Only members of the action's working group report its progress.",
        working_group_id=str(group_id) if group_id else None,
    )


def ensure_may_propose(principal: Principal, lead_country: str, group_id: uuid.UUID | None) -> None:
    """Representatives propose for their own country; coordinators for their group."""
    if coordinates(principal, group_id):
        return
    if principal.has_role(Role.REPRESENTATIVE) and principal.country == lead_country:
        return
    raise ProblemError(
        403,
        "proposal_scope",
        "A representative proposes actions led by their own country; a coordinator, for their group.",
        lead_country=lead_country,
    )
