"""An agreement, its parties and amendments, and the rules of its lifecycle.

draft → proposed → partially_signed → signed → in_force → expired
             (each party signs once)     (start date)   (end date; or renewed)
in_force ⇄ suspended; proposed … in_force → under_review → back where it was;
any open status → terminated (with a reason)
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sirbi_agreements.db import Base


def _enum_column(enum: type[StrEnum]) -> SAEnum:
    return SAEnum(enum, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class AgreementType(StrEnum):
    BILATERAL = "bilateral"  # exactly two parties
    MULTILATERAL = "multilateral"  # three or more
    FRAMEWORK = "framework"  # general terms that specific agreements carry out
    SPECIFIC = "specific"  # one concrete programme, often under a framework


class CooperationArea(StrEnum):
    CONSORTIUM_PURCHASE = "consortium_purchase"
    UNION_CATALOGUE = "union_catalogue"
    SHARED_CATALOGUING = "shared_cataloguing"
    SHARED_COLLECTION_DEVELOPMENT = "shared_collection_development"
    PRESERVATION = "preservation"
    DIGITISATION = "digitisation"
    INTERLIBRARY_LOAN = "interlibrary_loan"
    ONLINE_REFERENCE = "online_reference"
    CULTURAL_ACTIVITIES_AND_READING_PROMOTION = "cultural_activities_and_reading_promotion"
    CONTENT_CREATION = "content_creation"
    SHARED_IT_SYSTEMS = "shared_it_systems"
    TRAINING = "training"
    EQUIPMENT_AND_CONNECTIVITY = "equipment_and_connectivity"


class RenewalRule(StrEnum):
    NONE = "none"  # ends at its end date
    AUTOMATIC = "automatic"  # renews itself for `renewal_months` unless terminated before
    BY_AGREEMENT = "by_agreement"  # the parties may renew it by an amendment


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    PARTIALLY_SIGNED = "partially_signed"
    SIGNED = "signed"  # every party signed; waiting for the start date
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    UNDER_REVIEW = "under_review"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class PartyKind(StrEnum):
    MEMBER_STATE = "member_state"
    NETWORK = "network"
    PARTNER = "partner"


FINAL = {AgreementStatus.EXPIRED, AgreementStatus.TERMINATED}
SIGNING = {AgreementStatus.PROPOSED, AgreementStatus.PARTIALLY_SIGNED}
# What a party's suspension or withdrawal puts under review: everything circulated and not ended.
REVIEWABLE = {
    AgreementStatus.PROPOSED,
    AgreementStatus.PARTIALLY_SIGNED,
    AgreementStatus.SIGNED,
    AgreementStatus.IN_FORCE,
}
AMENDABLE = {
    AgreementStatus.SIGNED,
    AgreementStatus.IN_FORCE,
    AgreementStatus.SUSPENDED,
    AgreementStatus.UNDER_REVIEW,
}


class IllegalTransition(Exception):
    def __init__(self, command: str, status: AgreementStatus) -> None:
        super().__init__(f"cannot {command} an agreement that is {status}")
        self.command = command
        self.status = status


class AlreadySigned(Exception):
    pass


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Agreement(Base):
    __tablename__ = "agreements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(Text)
    objectives: Mapped[str] = mapped_column(Text)
    type: Mapped[AgreementType] = mapped_column(_enum_column(AgreementType))
    areas: Mapped[list[str]] = mapped_column(ARRAY(String(60)))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    renewal_rule: Mapped[RenewalRule] = mapped_column(_enum_column(RenewalRule))
    renewal_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[AgreementStatus] = mapped_column(_enum_column(AgreementStatus))
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Where `resume` returns to from suspended or under review.
    paused_from: Mapped[AgreementStatus | None] = mapped_column(_enum_column(AgreementStatus))
    # The end date whose "ending within 90 days" notice was published: once per end date, across
    # restarts (a renewal or an amendment that moves the end date earns a new notice).
    expiry_notice_for: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    parties: Mapped[list[AgreementParty]] = relationship(
        order_by="AgreementParty.position", cascade="all, delete-orphan", lazy="selectin"
    )
    amendments: Mapped[list[Amendment]] = relationship(
        order_by="Amendment.number", cascade="all, delete-orphan", lazy="selectin"
    )

    # -- lifecycle ------------------------------------------------------------------------

    def _require(self, command: str, allowed: set[AgreementStatus]) -> None:
        if self.status not in allowed:
            raise IllegalTransition(command, self.status)

    def propose(self) -> None:
        self._require("propose", {AgreementStatus.DRAFT})
        self.status = AgreementStatus.PROPOSED

    def sign(
        self, party: AgreementParty, *, signatory: str, position: str, signed_on: date, actor: str
    ) -> None:
        self._require("sign", SIGNING)
        if party.signed_on is not None:
            raise AlreadySigned(party.ref)
        party.signatory, party.signatory_position, party.signed_on = signatory, position, signed_on
        party.signed_by = actor
        all_signed = all(p.signed_on is not None for p in self.parties)
        self.status = AgreementStatus.SIGNED if all_signed else AgreementStatus.PARTIALLY_SIGNED

    def due_to_enter_into_force(self, today: date) -> bool:
        return self.status is AgreementStatus.SIGNED and self.start_date <= today

    def enter_into_force(self, today: date) -> None:
        if not self.due_to_enter_into_force(today):
            raise IllegalTransition("bring into force", self.status)
        self.status = AgreementStatus.IN_FORCE

    def due_to_end(self, today: date) -> bool:
        return (
            self.status in {AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED}
            and self.end_date is not None
            and self.end_date <= today
        )

    def renews_itself(self) -> bool:
        return self.renewal_rule is RenewalRule.AUTOMATIC and bool(self.renewal_months)

    def expire(self, today: date) -> None:
        if not self.due_to_end(today):
            raise IllegalTransition("expire", self.status)
        self.status = AgreementStatus.EXPIRED
        self.paused_from = None

    def renew(self, today: date) -> None:
        if not (self.due_to_end(today) and self.renews_itself() and self.end_date and self.renewal_months):
            raise IllegalTransition("renew", self.status)
        while self.end_date <= today:  # a scheduler that was down for a long time catches up
            self.end_date = add_months(self.end_date, self.renewal_months)

    def needs_expiry_notice(self, today: date, notice_days: int) -> bool:
        return (
            self.status is AgreementStatus.IN_FORCE
            and self.end_date is not None
            and today < self.end_date
            and (self.end_date - today).days <= notice_days
            and self.expiry_notice_for != self.end_date
        )

    def suspend(self, reason: str) -> None:
        self._require("suspend", {AgreementStatus.IN_FORCE})
        self.paused_from, self.status, self.status_reason = self.status, AgreementStatus.SUSPENDED, reason

    def put_under_review(self, reason: str) -> None:
        self._require("put under review", REVIEWABLE)
        self.paused_from, self.status, self.status_reason = self.status, AgreementStatus.UNDER_REVIEW, reason

    def resume(self) -> None:
        self._require("resume", {AgreementStatus.SUSPENDED, AgreementStatus.UNDER_REVIEW})
        assert self.paused_from is not None
        self.status, self.paused_from, self.status_reason = self.paused_from, None, None

    def terminate(self, reason: str) -> None:
        self._require("terminate", set(AgreementStatus) - FINAL)
        self.status, self.status_reason, self.paused_from = AgreementStatus.TERMINATED, reason, None

    def party(self, ref: str) -> AgreementParty | None:
        return next((p for p in self.parties if p.ref == ref), None)


class AgreementParty(Base):
    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "ref", name="uq_agreement_parties_ref"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[PartyKind] = mapped_column(_enum_column(PartyKind))
    # The member state's code, or the network's or partner's id.
    ref: Mapped[str] = mapped_column(String(40))
    # The country the party belongs to (a partner's may be none): who may sign for it.
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(Text)
    signatory: Mapped[str | None] = mapped_column(Text)
    signatory_position: Mapped[str | None] = mapped_column(Text)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_by: Mapped[str | None] = mapped_column(Text)


class Amendment(Base):
    __tablename__ = "amendments"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    # {field: {"from": old, "to": new}} for every term it changed.
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer)  # the agreement's version it made
    amended_by: Mapped[str] = mapped_column(Text)
    amended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
