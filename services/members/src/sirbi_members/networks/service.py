"""Network use cases: each changes one network of the caller's country (the secretariat: any),
records who did it, and publishes the network as it now is."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_members.access import ensure_country_scope
from sirbi_members.networks import repository
from sirbi_members.networks.events import NetworkEvent, NetworkRegistered, NetworkUpdated
from sirbi_members.networks.models import Network
from sirbi_members.networks.schemas import NetworkChanges, NetworkCreate, NetworkPublic
from sirbi_members.streams import members_outbox
from sirbi_shared.auth import Principal
from sirbi_shared.changes import publish_change
from sirbi_shared.db import table_of, violated_constraint
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version
from sirbi_shared.outbox import ChangedRow, ChangeNotApplied, NewRow


async def _published(
    session: AsyncSession,
    network: NetworkPublic,
    event: type[NetworkEvent],
    action: str,
    by: Principal,
    *,
    new_row: NewRow | None = None,
    changed_row: ChangedRow | None = None,
) -> None:
    await publish_change(
        session,
        members_outbox,
        event(network=network),
        aggregate_type="network",
        aggregate_id=str(network.id),
        version=network.version,
        action=action,
        actor=by.subject,
        state=network,
        new_row=new_row,
        changed_row=changed_row,
    )


def _name_taken(country: str, official_name: str) -> ProblemError:
    return ProblemError(
        409,
        "network_exists",
        f"{country} already has a network named {official_name!r}.",
        country=country,
        official_name=official_name,
    )


async def register(session: AsyncSession, details: NetworkCreate, by: Principal) -> NetworkPublic:
    ensure_country_scope(by, details.country)
    now = datetime.now(UTC)
    network = NetworkPublic(
        id=uuid.uuid4(), **details.model_dump(), version=1, created_at=now, updated_at=now
    )
    # The row, its event and its history entry go in by one statement; the table's constraints
    # check the country and the name as the row goes in (no race, no round trips of their own),
    # and what they refuse becomes the matching problem.
    try:
        await _published(
            session,
            network,
            NetworkRegistered,
            "registered",
            by,
            new_row=NewRow(table_of(Network), network.model_dump()),
        )
    except IntegrityError as exc:
        raise _refusal(exc, details.country, details.official_name) from exc
    return network


def _refusal(error: IntegrityError, country: str, official_name: str) -> ProblemError | IntegrityError:
    match violated_constraint(error):
        case "uq_networks_country_name":
            return _name_taken(country, official_name)
        case "networks_country_fkey":  # named by PostgreSQL (migration 0005)
            return ProblemError(
                422,
                "unknown_member_state",
                f"{country} is not a registered member state.",
                member_state=country,
            )
    return error


async def revise(
    session: AsyncSession, network_id: uuid.UUID, changes: NetworkChanges, expected: int, by: Principal
) -> NetworkPublic:
    current = await repository.current(session, network_id)
    ensure_country_scope(by, current.country)
    check_version(current.version, expected)
    fields = changes.model_dump(exclude_unset=True)
    now = datetime.now(UTC)
    network = current.model_copy(update={**fields, "version": expected + 1, "updated_at": now})
    # The change goes in with its event and history entry by one statement, and only if the
    # network is still at the version read: no lock held between the read and the write.
    try:
        await _published(
            session,
            network,
            NetworkUpdated,
            "updated",
            by,
            changed_row=repository.change(network_id, expected, fields, now),
        )
    except IntegrityError as exc:  # the new name is another network's of the same country
        raise _refusal(exc, current.country, network.official_name) from exc
    except ChangeNotApplied as exc:  # another change came first
        version = await repository.version_of(session, network_id)
        if version is None:
            raise repository.not_found(network_id) from exc
        check_version(version, expected)
        raise
    return network
