"""Agreement use cases: each changes one agreement in one transaction, records who did it, and
publishes what happened (with the whole agreement) through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_agreements.access import ensure_party_country, ensure_signs_for_own_country
from sirbi_agreements.agreements import repository
from sirbi_agreements.agreements.events import (
    AgreementAmended,
    AgreementDrafted,
    AgreementEnteredIntoForce,
    AgreementEvent,
    AgreementProposed,
    AgreementPutUnderReview,
    AgreementResumed,
    AgreementSigned,
    AgreementSuspended,
    AgreementTerminated,
    AgreementUpdated,
)
from sirbi_agreements.agreements.models import (
    AMENDABLE,
    REVIEWABLE,
    SIGNING,
    Agreement,
    AgreementParty,
    AgreementStatus,
    AlreadySigned,
    Amendment,
    IllegalTransition,
    PartyKind,
    RenewalRule,
)
from sirbi_agreements.agreements.schemas import (
    AgreementDraft,
    AgreementPublic,
    AgreementTerms,
    AmendmentInput,
    AmendmentPublic,
    PartyRef,
    SignatureInput,
)
from sirbi_agreements.member_facts import repository as member_facts
from sirbi_agreements.member_facts.models import ACTIVE_MEMBER, CONSTITUTED_NETWORK
from sirbi_agreements.partners import repository as partners
from sirbi_agreements.streams import outbox
from sirbi_shared.auth import Principal
from sirbi_shared.calendar import today
from sirbi_shared.changes import SYSTEM_ACTOR, publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version


async def publish(
    session: AsyncSession,
    agreement: Agreement,
    event: type[AgreementEvent],
    action: str,
    actor: str,
    *,
    new_version: bool = True,
    **details: Any,
) -> Agreement:
    """Give the agreement its next version, then record the change and its event."""
    if new_version:
        agreement.version += 1
        agreement.updated_at = datetime.now(UTC)
    await session.flush()
    public = AgreementPublic.of(agreement)
    await publish_change(
        session,
        outbox,
        event(agreement=public, **details),
        aggregate_type="agreement",
        aggregate_id=str(agreement.id),
        version=agreement.version,
        action=action,
        actor=actor,
        state=public,
    )
    return agreement


def _illegal(exc: IllegalTransition, agreement: Agreement) -> ProblemError:
    return ProblemError(
        409,
        "illegal_status_transition",
        f"Cannot {exc.command} agreement {agreement.code}: it is {exc.status}.",
        current_status=str(exc.status),
    )


# -- parties -----------------------------------------------------------------------------


async def _resolve_parties(session: AsyncSession, refs: list[PartyRef]) -> list[AgreementParty]:
    """The parties as rows, with the country and name the replica and the register know."""
    codes = [p.ref for p in refs if p.kind is PartyKind.MEMBER_STATE]
    network_ids = [uuid.UUID(p.ref) for p in refs if p.kind is PartyKind.NETWORK]
    partner_ids = [uuid.UUID(p.ref) for p in refs if p.kind is PartyKind.PARTNER]
    states = await member_facts.member_states(session, codes)
    networks = await member_facts.networks(session, network_ids)
    known_partners = await partners.by_ids(session, partner_ids)
    parties: list[AgreementParty] = []
    unknown: list[dict[str, str]] = []
    for position, ref in enumerate(refs, start=1):
        country: str | None
        if ref.kind is PartyKind.MEMBER_STATE and (state := states.get(ref.ref)) is not None:
            country, name = state.code, state.name_es
        elif ref.kind is PartyKind.NETWORK and (network := networks.get(uuid.UUID(ref.ref))) is not None:
            country, name = network.country, network.official_name
        elif (
            ref.kind is PartyKind.PARTNER and (partner := known_partners.get(uuid.UUID(ref.ref))) is not None
        ):
            country, name = partner.country, partner.name
        else:
            unknown.append({"kind": ref.kind.value, "ref": ref.ref})
            continue
        parties.append(
            AgreementParty(position=position, kind=ref.kind, ref=ref.ref, country=country, name=name)
        )
    if unknown:
        raise ProblemError(
            422,
            "unknown_party",
            "Some parties are not known to the agreements service: member states and networks come "
            "from the members service's events, partners from the partner register.",
            parties=unknown,
        )
    return parties


async def _inactive_parties(session: AsyncSession, parties: list[AgreementParty]) -> list[dict[str, str]]:
    """Member-state parties that are not active members; network parties that are not constituted
    or whose country is not an active member. Partners are not members: always acceptable."""
    network_ids = [uuid.UUID(p.ref) for p in parties if p.kind is PartyKind.NETWORK]
    networks = await member_facts.networks(session, network_ids)
    countries = [p.country for p in parties if p.kind is not PartyKind.PARTNER and p.country]
    states = await member_facts.member_states(session, countries)
    inactive: list[dict[str, str]] = []
    for party in parties:
        if party.kind is PartyKind.PARTNER:
            continue
        state = states.get(party.country or "")
        member_status = state.status if state is not None else "unknown"
        if member_status != ACTIVE_MEMBER:
            inactive.append({"ref": party.ref, "reason": f"member state {party.country} is {member_status}"})
        elif party.kind is PartyKind.NETWORK:
            network = networks.get(uuid.UUID(party.ref))
            if network is None or network.status != CONSTITUTED_NETWORK:
                status = network.status if network is not None else "unknown"
                inactive.append({"ref": party.ref, "reason": f"network is {status}"})
    return inactive


async def _ensure_active(session: AsyncSession, parties: list[AgreementParty]) -> None:
    inactive = await _inactive_parties(session, parties)
    if inactive:
        raise ProblemError(
            409,
            "party_not_active",
            "Every member-state or network party must be an active member.",
            parties=inactive,
        )


def _apply_terms(agreement: Agreement, terms: AgreementTerms) -> None:
    agreement.title = terms.title
    agreement.objectives = terms.objectives
    agreement.type = terms.type
    agreement.areas = [a.value for a in terms.areas]
    agreement.start_date = terms.start_date
    agreement.end_date = terms.end_date
    agreement.renewal_rule = terms.renewal.rule
    agreement.renewal_months = terms.renewal.months


# -- commands ----------------------------------------------------------------------------


async def draft(session: AsyncSession, body: AgreementDraft, principal: Principal) -> Agreement:
    parties = await _resolve_parties(session, body.parties)
    ensure_party_country(principal, (p.country for p in parties if p.kind is not PartyKind.PARTNER))
    if await repository.code_taken(session, body.code):
        raise ProblemError(409, "agreement_code_taken", f"Agreement code {body.code} is already used.")
    now = datetime.now(UTC)
    agreement = Agreement(
        id=uuid.uuid4(),
        code=body.code,
        status=AgreementStatus.DRAFT,
        version=1,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
        parties=parties,
        amendments=[],
    )
    _apply_terms(agreement, body)
    session.add(agreement)
    return await publish(
        session, agreement, AgreementDrafted, "drafted", principal.subject, new_version=False
    )


def _ensure_works_on(principal: Principal, agreement: Agreement) -> None:
    ensure_party_country(principal, (p.country for p in agreement.parties if p.kind is not PartyKind.PARTNER))


async def update_draft(
    session: AsyncSession, agreement_id: uuid.UUID, terms: AgreementTerms, expected: int, principal: Principal
) -> Agreement:
    agreement = await repository.get(session, agreement_id, for_update=True)
    _ensure_works_on(principal, agreement)
    check_version(agreement.version, expected)
    if agreement.status is not AgreementStatus.DRAFT:
        raise ProblemError(
            409,
            "terms_locked",
            f"Agreement {agreement.code} is {agreement.status}: only a draft is edited; "
            "later changes are amendments.",
            current_status=str(agreement.status),
        )
    parties = await _resolve_parties(session, terms.parties)
    ensure_party_country(principal, (p.country for p in parties if p.kind is not PartyKind.PARTNER))
    _apply_terms(agreement, terms)
    agreement.parties.clear()
    await session.flush()  # the old rows go before new ones take their positions
    agreement.parties.extend(parties)
    return await publish(session, agreement, AgreementUpdated, "updated", principal.subject)


async def propose(
    session: AsyncSession, agreement_id: uuid.UUID, expected: int, principal: Principal
) -> Agreement:
    agreement = await repository.get(session, agreement_id, for_update=True)
    _ensure_works_on(principal, agreement)
    check_version(agreement.version, expected)
    try:
        agreement.propose()
    except IllegalTransition as exc:
        raise _illegal(exc, agreement) from exc
    await _ensure_active(session, agreement.parties)
    return await publish(session, agreement, AgreementProposed, "proposed", principal.subject)


async def sign(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    body: SignatureInput,
    expected: int,
    principal: Principal,
    on: date | None = None,
) -> Agreement:
    """One party signs; the last signature brings the agreement into force if its start date is reached."""
    day = on or today()
    agreement = await repository.get(session, agreement_id, for_update=True)
    party = agreement.party(body.party.upper() if len(body.party) == 2 else body.party.lower())
    if party is None:
        raise ProblemError(
            422,
            "not_a_party",
            f"{body.party} is not a party to agreement {agreement.code}.",
            party=body.party,
        )
    ensure_signs_for_own_country(principal, party.country if party.kind is not PartyKind.PARTNER else None)
    check_version(agreement.version, expected)
    signed_on = body.signed_on or day
    if signed_on > day:
        raise ProblemError(422, "signed_in_future", "A signature cannot be dated in the future.")
    if agreement.status in SIGNING and party.signed_on is None:
        await _ensure_active(session, [party])  # a party suspended since the proposal cannot sign
    try:
        agreement.sign(
            party,
            signatory=body.signatory,
            position=body.position,
            signed_on=signed_on,
            actor=principal.subject,
        )
    except IllegalTransition as exc:
        raise _illegal(exc, agreement) from exc
    except AlreadySigned as exc:
        raise ProblemError(
            409, "already_signed", f"{party.ref} already signed agreement {agreement.code}.", party=party.ref
        ) from exc
    await publish(session, agreement, AgreementSigned, "signed", principal.subject, party=party.ref)
    if agreement.due_to_enter_into_force(day):
        agreement.enter_into_force(day)
        await publish(session, agreement, AgreementEnteredIntoForce, "entered_into_force", SYSTEM_ACTOR)
    return agreement


async def _move(
    session: AsyncSession,
    agreement_id: uuid.UUID,
    expected: int,
    actor: str,
    move: Callable[[Agreement], None],
    event: type[AgreementEvent],
    action: str,
) -> Agreement:
    """A secretariat command that only changes the status: 409 if the rules forbid it."""
    agreement = await repository.get(session, agreement_id, for_update=True)
    check_version(agreement.version, expected)
    try:
        move(agreement)
    except IllegalTransition as exc:
        raise _illegal(exc, agreement) from exc
    return await publish(session, agreement, event, action, actor)


async def suspend(
    session: AsyncSession, agreement_id: uuid.UUID, reason: str, expected: int, actor: str
) -> Agreement:
    return await _move(
        session, agreement_id, expected, actor, lambda a: a.suspend(reason), AgreementSuspended, "suspended"
    )


async def resume(session: AsyncSession, agreement_id: uuid.UUID, expected: int, actor: str) -> Agreement:
    return await _move(session, agreement_id, expected, actor, Agreement.resume, AgreementResumed, "resumed")


async def terminate(
    session: AsyncSession, agreement_id: uuid.UUID, reason: str, expected: int, actor: str
) -> Agreement:
    return await _move(
        session,
        agreement_id,
        expected,
        actor,
        lambda a: a.terminate(reason),
        AgreementTerminated,
        "terminated",
    )


def _term_value(agreement: Agreement, name: str) -> Any:
    if name == "renewal":
        return {"rule": agreement.renewal_rule.value, "months": agreement.renewal_months}
    if name == "end_date":
        return agreement.end_date.isoformat() if agreement.end_date else None
    return getattr(agreement, name)


async def amend(
    session: AsyncSession, agreement_id: uuid.UUID, body: AmendmentInput, expected: int, actor: str
) -> tuple[Agreement, Amendment]:
    """Change the terms of a signed agreement; the amendment and the old terms stay on record."""
    agreement = await repository.get(session, agreement_id, for_update=True)
    check_version(agreement.version, expected)
    if agreement.status not in AMENDABLE:
        raise ProblemError(
            409,
            "illegal_status_transition",
            f"Cannot amend agreement {agreement.code}: it is {agreement.status} "
            "(a draft is edited; a proposed one is signed as it is or terminated).",
            current_status=str(agreement.status),
        )
    proposed = body.changed_terms()
    new_values: dict[str, Any] = {
        "title": body.title,
        "objectives": body.objectives,
        "areas": [a.value for a in body.areas] if body.areas else None,
        "end_date": body.end_date.isoformat() if body.end_date else None,
        "renewal": body.renewal.model_dump(mode="json") if body.renewal else None,
    }
    changes = {
        name: {"from": _term_value(agreement, name), "to": new_values[name]}
        for name in proposed
        if _term_value(agreement, name) != new_values[name]
    }
    if not changes:
        raise ProblemError(422, "amendment_changes_nothing", "The amendment does not change any term.")
    end_date = body.end_date or agreement.end_date
    renewal_rule = body.renewal.rule if body.renewal else agreement.renewal_rule
    if end_date is not None and end_date <= agreement.start_date:
        raise ProblemError(422, "invalid_dates", "The end date comes after the start date.")
    if renewal_rule is RenewalRule.AUTOMATIC and end_date is None:
        raise ProblemError(422, "invalid_dates", "An agreement without an end date cannot renew itself.")
    if body.title is not None:
        agreement.title = body.title
    if body.objectives is not None:
        agreement.objectives = body.objectives
    if body.areas is not None:
        agreement.areas = [a.value for a in body.areas]
    agreement.end_date = end_date
    if body.renewal is not None:
        agreement.renewal_rule, agreement.renewal_months = body.renewal.rule, body.renewal.months
    amendment = Amendment(
        number=len(agreement.amendments) + 1,
        summary=body.summary,
        effective_on=body.effective_on or today(),
        changes=changes,
        version=agreement.version + 1,
        amended_by=actor,
        amended_at=datetime.now(UTC),
    )
    agreement.amendments.append(amendment)
    await publish(
        session, agreement, AgreementAmended, "amended", actor, amendment=AmendmentPublic.of(amendment)
    )
    return agreement, amendment


async def review_for_member(
    session: AsyncSession, member_state: str, member_status: str, reason: str | None
) -> int:
    """A member state stopped being active: every circulated or running agreement it, or one of
    its networks, is party to goes under review. Returns how many did."""
    explanation = f"Party {member_state} is {member_status}" + (f": {reason}" if reason else "")
    reviewed = 0
    for agreement_id in await repository.ids_involving_country(session, member_state, REVIEWABLE):
        agreement = await repository.get(session, agreement_id, for_update=True)
        if agreement.status not in REVIEWABLE:
            continue
        agreement.put_under_review(explanation)
        await publish(
            session,
            agreement,
            AgreementPutUnderReview,
            "put_under_review",
            SYSTEM_ACTOR,
            member_state=member_state,
        )
        reviewed += 1
    return reviewed
