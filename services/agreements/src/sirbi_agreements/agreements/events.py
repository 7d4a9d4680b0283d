"""Agreement events on `sirbi.agreements.v1`; each carries the agreement as it now is."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from sirbi_agreements.agreements.schemas import AgreementPublic, AmendmentPublic
from sirbi_agreements.streams import stream
from sirbi_shared.events import EventPayload


class AgreementEvent(EventPayload):
    agreement: AgreementPublic


@stream.event("agreement", "drafted")
class AgreementDrafted(AgreementEvent):
    """A new agreement was drafted."""


@stream.event("agreement", "updated")
class AgreementUpdated(AgreementEvent):
    """A draft's terms or parties changed (before it was proposed)."""


@stream.event("agreement", "proposed")
class AgreementProposed(AgreementEvent):
    """A draft was circulated to its parties for signature."""


@stream.event("agreement", "signed")
class AgreementSigned(AgreementEvent):
    """One party signed; `party` is its ref (the others may still have to)."""

    party: str = Field(examples=["PE"])


@stream.event("agreement", "entered_into_force")
class AgreementEnteredIntoForce(AgreementEvent):
    """Every party signed and the start date is reached."""


@stream.event("agreement", "amended")
class AgreementAmended(AgreementEvent):
    """An amendment changed the terms; the agreement has a new version."""

    amendment: AmendmentPublic


@stream.event("agreement", "renewed")
class AgreementRenewed(AgreementEvent):
    """An automatically renewing agreement reached its end date and runs on to a new one."""

    previous_end_date: date


@stream.event("agreement", "suspended")
class AgreementSuspended(AgreementEvent):
    """An agreement in force was suspended; `agreement.status_reason` says why."""


@stream.event("agreement", "resumed")
class AgreementResumed(AgreementEvent):
    """A suspended agreement, or one under review, is back where it was."""


@stream.event("agreement", "put_under_review")
class AgreementPutUnderReview(AgreementEvent):
    """A party stopped being an active member (suspended or withdrawn)."""

    member_state: str = Field(examples=["PE"], description="The member state whose status changed")


@stream.event("agreement", "terminated")
class AgreementTerminated(AgreementEvent):
    """Ended before its time; `agreement.status_reason` says why."""


@stream.event("agreement", "expiring_soon")
class AgreementExpiringSoon(AgreementEvent):
    """An agreement in force ends within the notice period (90 days); announced once per end date."""

    days_left: int


@stream.event("agreement", "expired")
class AgreementExpired(AgreementEvent):
    """An agreement reached its end date."""
