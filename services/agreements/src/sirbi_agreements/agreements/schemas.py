"""What the API takes and what the API and the events say about an agreement."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sirbi_agreements.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementType,
    Amendment,
    CooperationArea,
    PartyKind,
    RenewalRule,
)

_AT_LEAST = {AgreementType.MULTILATERAL: 3, AgreementType.FRAMEWORK: 2, AgreementType.SPECIFIC: 2}


class PartyRef(BaseModel):
    """A member state by its ISO code, or a national network or partner by its id."""

    model_config = ConfigDict(extra="forbid")

    kind: PartyKind
    ref: str = Field(min_length=2, max_length=40, examples=["PE"])

    @model_validator(mode="after")
    def _ref_fits_kind(self) -> Self:
        if self.kind is PartyKind.MEMBER_STATE:
            if len(self.ref) != 2 or not self.ref.isalpha():
                raise ValueError("a member state party is its ISO 3166-1 alpha-2 code, e.g. PE")
            self.ref = self.ref.upper()
        else:
            try:
                self.ref = str(uuid.UUID(self.ref))
            except ValueError as exc:
                raise ValueError(f"a {self.kind} party is referred to by its id (a UUID)") from exc
        return self


class Renewal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: RenewalRule = RenewalRule.NONE
    months: int | None = Field(default=None, ge=1, le=120, description="Length of each automatic renewal")

    @model_validator(mode="after")
    def _months_for_automatic(self) -> Self:
        if self.rule is RenewalRule.AUTOMATIC and self.months is None:
            raise ValueError("an automatic renewal needs its length in months")
        if self.rule is not RenewalRule.AUTOMATIC and self.months is not None:
            raise ValueError("only an automatic renewal has a length in months")
        return self


_EXAMPLE: dict[str, Any] = {
    "code": "SIRBI-PE-CO-2026-01",
    "title": "Convenio de préstamo interbibliotecario entre las redes de Perú y Colombia",
    "objectives": "Préstamo interbibliotecario y catálogo colectivo entre ambas redes nacionales.",
    "type": "bilateral",
    "areas": ["interlibrary_loan", "union_catalogue"],
    "parties": [{"kind": "member_state", "ref": "PE"}, {"kind": "member_state", "ref": "CO"}],
    "start_date": "2026-03-01",
    "end_date": "2028-02-29",
    "renewal": {"rule": "automatic", "months": 24},
}


class AgreementTerms(BaseModel):
    """Everything a draft says; `parties` in the order they appear in the text."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    title: str = Field(min_length=3, max_length=500)
    objectives: str = Field(min_length=3, max_length=10_000)
    type: AgreementType
    areas: list[CooperationArea] = Field(min_length=1)
    parties: list[PartyRef] = Field(min_length=2, max_length=50)
    start_date: date
    end_date: date | None = Field(default=None, description="None: no end date")
    renewal: Renewal = Field(default_factory=Renewal)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        refs = [p.ref for p in self.parties]
        if len(set(refs)) != len(refs):
            raise ValueError("a party appears twice")
        if self.type is AgreementType.BILATERAL and len(self.parties) != 2:
            raise ValueError("a bilateral agreement has exactly two parties")
        if len(self.parties) < _AT_LEAST.get(self.type, 2):
            raise ValueError(f"a {self.type} agreement has at least {_AT_LEAST[self.type]} parties")
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError("the end date comes after the start date")
        if self.renewal.rule is RenewalRule.AUTOMATIC and self.end_date is None:
            raise ValueError("an agreement without an end date cannot renew itself")
        if len(set(self.areas)) != len(self.areas):
            raise ValueError("a cooperation area appears twice")
        return self


class AgreementDraft(AgreementTerms):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    code: str = Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


class SignatureInput(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "party": "PE",
                    "signatory": "Jefatura Institucional de la Biblioteca Nacional del Perú",
                    "position": "Jefa Institucional",
                    "signed_on": "2026-02-10",
                }
            ]
        },
    )

    party: str = Field(min_length=2, max_length=40, description="The party's ref: ISO code or id")
    signatory: str = Field(min_length=2, max_length=300)
    position: str = Field(min_length=2, max_length=300)
    signed_on: date | None = Field(default=None, description="Defaults to today; never in the future")


class Reason(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Las partes acordaron darlo por terminado."}]},
    )

    reason: str = Field(min_length=3, max_length=2000)


class AmendmentInput(BaseModel):
    """The terms an amendment changes (at least one); the parties stay."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "summary": "Adenda 1: se amplía a digitalización y se prorroga hasta 2029.",
                    "areas": ["interlibrary_loan", "union_catalogue", "digitisation"],
                    "end_date": "2029-02-28",
                }
            ]
        },
    )

    summary: str = Field(min_length=3, max_length=2000)
    effective_on: date | None = Field(default=None, description="Defaults to today")
    title: str | None = Field(default=None, min_length=3, max_length=500)
    objectives: str | None = Field(default=None, min_length=3, max_length=10_000)
    areas: list[CooperationArea] | None = Field(default=None, min_length=1)
    end_date: date | None = None
    renewal: Renewal | None = None

    def changed_terms(self) -> dict[str, Any]:
        return {
            name: value
            for name in ("title", "objectives", "areas", "end_date", "renewal")
            if (value := getattr(self, name)) is not None
        }


class Signature(BaseModel):
    signatory: str
    position: str
    signed_on: date


class PartyPublic(BaseModel):
    kind: PartyKind
    ref: str = Field(examples=["PE"])
    country: str | None = Field(default=None, examples=["PE"])
    name: str
    signature: Signature | None = None

    @classmethod
    def of(cls, party: AgreementParty) -> PartyPublic:
        signature = None
        if party.signed_on is not None:
            signature = Signature(
                signatory=party.signatory or "",
                position=party.signatory_position or "",
                signed_on=party.signed_on,
            )
        return cls(
            kind=party.kind, ref=party.ref, country=party.country, name=party.name, signature=signature
        )


class AmendmentPublic(BaseModel):
    number: int
    summary: str
    effective_on: date
    changes: dict[str, Any] = Field(description="Each changed term: {from, to}")
    version: int
    amended_by: str
    amended_at: datetime

    @classmethod
    def of(cls, amendment: Amendment) -> AmendmentPublic:
        return cls(
            number=amendment.number,
            summary=amendment.summary,
            effective_on=amendment.effective_on,
            changes=amendment.changes,
            version=amendment.version,
            amended_by=amendment.amended_by,
            amended_at=amendment.amended_at,
        )


class AgreementPublic(BaseModel):
    """An agreement as every reader and every event sees it (enough to keep a replica)."""

    id: uuid.UUID
    code: str
    title: str
    objectives: str
    type: AgreementType
    areas: list[CooperationArea]
    parties: list[PartyPublic]
    start_date: date
    end_date: date | None = None
    renewal: Renewal
    status: AgreementStatus
    status_reason: str | None = None
    amendments: list[AmendmentPublic]
    version: int = Field(examples=[1])
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, agreement: Agreement) -> AgreementPublic:
        return cls(
            id=agreement.id,
            code=agreement.code,
            title=agreement.title,
            objectives=agreement.objectives,
            type=agreement.type,
            areas=[CooperationArea(a) for a in agreement.areas],
            parties=[PartyPublic.of(p) for p in agreement.parties],
            start_date=agreement.start_date,
            end_date=agreement.end_date,
            renewal=Renewal(rule=agreement.renewal_rule, months=agreement.renewal_months),
            status=agreement.status,
            status_reason=agreement.status_reason,
            amendments=[AmendmentPublic.of(a) for a in agreement.amendments],
            version=agreement.version,
            created_by=agreement.created_by,
            created_at=agreement.created_at,
            updated_at=agreement.updated_at,
        )
