// The terms of a draft agreement — code (new drafts only), title, type, parties in the order of the
// text, cooperation areas, objectives, dates and renewal — for drafting one or editing a draft.
// The service's rules that a person can break while filling it in (how many parties a type takes,
// dates in order, a renewal's length) are checked here first, so they read in the person's
// language; what the service still refuses (422) is shown beside its field.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { Problem } from "../../api/problem";
import { useFormat } from "../../i18n/format";
import { useMemberStates } from "../member-states/queries";
import { AgreementProblem } from "./AgreementProblem";
import {
  AGREEMENT_TYPES,
  COOPERATION_AREAS,
  RENEWAL_RULES,
  usePartners,
  type Agreement,
  type AgreementTerms,
  type AgreementType,
  type CooperationArea,
  type PartyRef,
  type RenewalRule,
} from "./queries";

type Field =
  | "code"
  | "title"
  | "type"
  | "parties"
  | "areas"
  | "objectives"
  | "start_date"
  | "end_date"
  | "renewal"
  | "months";

const AT_LEAST: Record<AgreementType, number> = { bilateral: 2, multilateral: 3, framework: 2, specific: 2 };

/** The service's answer to a 422, field by field (its location is ["body", field, …]); the rest
 * are about the whole agreement. */
function serverErrors(error: unknown): { fields: Partial<Record<Field, string>>; general: string[] } {
  const fields: Partial<Record<Field, string>> = {};
  const general: string[] = [];
  if (!(error instanceof Problem) || error.code !== "validation_failed") return { fields, general };
  for (const e of error.body.errors ?? []) {
    const [, name, sub] = e.location ?? [];
    const field = (name === "renewal" && sub === "months" ? "months" : name) as Field | undefined;
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${e.message ?? ""}` : (e.message ?? "");
    else general.push(e.message ?? "");
  }
  if (error.body.errors === undefined) general.push(error.message);
  return { fields, general };
}

function sameParty(a: PartyRef, b: PartyRef) {
  return a.kind === b.kind && a.ref === b.ref;
}

export function AgreementTermsForm({
  agreement,
  ownCountry,
  busy,
  error,
  submitLabel,
  onSubmit,
  cancel,
}: {
  /** The draft being edited; none for a new draft (which also takes its code). */
  agreement?: Agreement;
  /** A representative's country, which must be among the parties. */
  ownCountry: string | null;
  busy: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (terms: AgreementTerms, code: string) => void;
  cancel: ReactNode;
}) {
  const { t } = useTranslation("agreements");
  const format = useFormat();
  const states = useMemberStates();
  const partners = usePartners();
  const prefix = agreement ? "edit" : "draft";
  const id = (field: string) => `${prefix}-${field}`;

  const [code, setCode] = useState("");
  const [title, setTitle] = useState(agreement?.title ?? "");
  const [type, setType] = useState<AgreementType>(agreement?.type ?? "bilateral");
  const [parties, setParties] = useState<PartyRef[]>(
    agreement
      ? agreement.parties.map((p) => ({ kind: p.kind, ref: p.ref }))
      : ownCountry
        ? [{ kind: "member_state", ref: ownCountry }]
        : [],
  );
  const [areas, setAreas] = useState<CooperationArea[]>(agreement?.areas ?? []);
  const [objectives, setObjectives] = useState(agreement?.objectives ?? "");
  const [start, setStart] = useState(agreement?.start_date ?? "");
  const [end, setEnd] = useState(agreement?.end_date ?? "");
  const [rule, setRule] = useState<RenewalRule>(agreement?.renewal.rule ?? "none");
  const [months, setMonths] = useState(agreement?.renewal.months ? String(agreement.renewal.months) : "");
  const [checked, setChecked] = useState<Partial<Record<Field, string>>>({});
  // Each refused submission moves the focus to the summary of what to fix.
  const [refusals, setRefusals] = useState(0);
  const summary = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (refusals > 0) summary.current?.focus();
  }, [refusals]);

  // A draft's network parties (drafted through the API) stay choosable; new ones come as states.
  const networks = (agreement?.parties ?? []).filter((p) => p.kind === "network");
  const stateList = [...(states.data ?? [])].sort((a, b) =>
    format.country(a.code).localeCompare(format.country(b.code), format.locale),
  );
  const nameOf = (party: PartyRef) =>
    party.kind === "member_state"
      ? format.country(party.ref)
      : ((partners.data ?? []).find((p) => p.id === party.ref)?.name ??
        agreement?.parties.find((p) => p.ref === party.ref)?.name ??
        party.ref);

  const toggleParty = (party: PartyRef, on: boolean) =>
    setParties((chosen) => (on ? [...chosen, party] : chosen.filter((p) => !sameParty(p, party))));
  const toggleArea = (area: CooperationArea, on: boolean) =>
    setAreas((chosen) => (on ? [...chosen, area] : chosen.filter((a) => a !== area)));

  const rulesBroken = (): Partial<Record<Field, string>> => {
    const broken: Partial<Record<Field, string>> = {};
    if (type === "bilateral" && parties.length !== 2) broken.parties = t("draft.rules.bilateral");
    else if (type === "multilateral" && parties.length < AT_LEAST.multilateral) broken.parties = t("draft.rules.multilateral");
    else if (parties.length < AT_LEAST[type]) broken.parties = t("draft.rules.atLeastTwo");
    else if (
      ownCountry &&
      !parties.some(
        (p) =>
          (p.kind === "member_state" && p.ref === ownCountry) ||
          (p.kind === "network" && networks.some((n) => n.ref === p.ref && n.country === ownCountry)),
      )
    ) {
      broken.parties = t("draft.rules.ownCountry", { country: format.country(ownCountry) });
    }
    if (areas.length === 0) broken.areas = t("draft.rules.areas");
    if (start && end && end <= start) broken.end_date = t("draft.rules.endAfterStart");
    if (rule === "automatic") {
      if (!end) broken.end_date = t("draft.rules.automaticNeedsEnd");
      const n = Number(months);
      if (!months || !Number.isInteger(n) || n < 1 || n > 120) broken.months = t("draft.rules.months");
    }
    return broken;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const broken = rulesBroken();
    setChecked(broken);
    if (Object.keys(broken).length > 0) {
      setRefusals((n) => n + 1);
      return;
    }
    onSubmit(
      {
        title: title.trim(),
        objectives: objectives.trim(),
        type,
        areas,
        parties,
        start_date: start,
        end_date: end || null,
        renewal: rule === "automatic" ? { rule, months: Number(months) } : { rule },
      },
      code.trim(),
    );
  };

  const server = serverErrors(error);
  const errors: Partial<Record<Field, string>> = {
    ...Object.fromEntries(Object.entries(server.fields).map(([k, m]) => [k, t("draft.invalid", { message: m })])),
    ...checked,
  };
  const codeTaken = error instanceof Problem && error.code === "agreement_code_taken";
  if (codeTaken) errors.code = t("problems.agreement_code_taken");
  const invalid = Object.keys(errors).length > 0 || server.general.length > 0;
  // A problem that is not about the fields (not allowed, a stale version…) is said on its own.
  const otherProblem = error instanceof Problem && (error.code === "validation_failed" || codeTaken) ? null : error;

  /** aria-describedby for a field: its help text, and its error when it has one. */
  const described = (field: Field, help?: string) =>
    [help, errors[field] ? id(`${field}-error`) : undefined].filter(Boolean).join(" ") || undefined;
  const fieldError = (field: Field) =>
    errors[field] ? (
      <p id={id(`${field}-error`)} className="field-error">
        {errors[field]}
      </p>
    ) : null;

  return (
    <form onSubmit={submit} className="agreement-form">
      {invalid ? (
        <p ref={summary} tabIndex={-1} role="alert" className="problem">
          {t("draft.check")}
          {server.general.length > 0 ? ` ${server.general.join("; ")}` : ""}
        </p>
      ) : null}
      {!agreement ? (
        <>
          <label htmlFor={id("code")}>{t("draft.code")}</label>
          <input
            id={id("code")}
            type="text"
            required
            minLength={3}
            maxLength={60}
            pattern="[A-Za-z0-9][A-Za-z0-9._/\-]*"
            autoComplete="off"
            value={code}
            aria-invalid={!!errors.code || undefined}
            aria-describedby={described("code", id("code-help"))}
            onChange={(e) => setCode(e.target.value)}
          />
          <p id={id("code-help")} className="muted field-help">
            {t("draft.codeHelp")}
          </p>
          {fieldError("code")}
        </>
      ) : null}

      <label htmlFor={id("title")}>{t("draft.titleField")}</label>
      <input
        id={id("title")}
        type="text"
        required
        minLength={3}
        maxLength={500}
        value={title}
        aria-invalid={!!errors.title || undefined}
        aria-describedby={described("title")}
        onChange={(e) => setTitle(e.target.value)}
      />
      {fieldError("title")}

      <label htmlFor={id("type")}>{t("draft.type")}</label>
      <select
        id={id("type")}
        value={type}
        aria-describedby={described("type", id("type-help"))}
        onChange={(e) => setType(e.target.value as AgreementType)}
      >
        {AGREEMENT_TYPES.map((option) => (
          <option key={option} value={option}>
            {t(`types.${option}`)}
          </option>
        ))}
      </select>
      <p id={id("type-help")} className="muted field-help">
        {t("draft.typeHelp")}
      </p>
      {fieldError("type")}

      <fieldset className="agreement-choices" aria-describedby={described("parties", id("parties-help"))}>
        <legend>{t("draft.parties")}</legend>
        <p id={id("parties-help")} className="muted field-help">
          {t("draft.partiesHelp")}
        </p>
        {fieldError("parties")}
        <fieldset>
          <legend>{t("draft.memberStates")}</legend>
          {states.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
          <AgreementProblem error={states.error} />
          <div className="agreement-choices__grid">
            {stateList.map((state) => {
              const party: PartyRef = { kind: "member_state", ref: state.code };
              const chosen = parties.some((p) => sameParty(p, party));
              const name = format.country(state.code);
              return (
                <label key={state.code} className="agreement-choice">
                  <input
                    type="checkbox"
                    checked={chosen}
                    // Only an active member can be party to an agreement; one already chosen can be taken off.
                    disabled={state.status !== "active" && !chosen}
                    onChange={(e) => toggleParty(party, e.target.checked)}
                  />{" "}
                  {state.status === "active"
                    ? name
                    : t("draft.notActive", { name, status: t(`memberStates:status.${state.status}`) })}
                </label>
              );
            })}
          </div>
        </fieldset>
        {networks.length > 0 ? (
          <fieldset>
            <legend>{t("draft.networks")}</legend>
            <div className="agreement-choices__grid">
              {networks.map((network) => {
                const party: PartyRef = { kind: "network", ref: network.ref };
                return (
                  <label key={network.ref} className="agreement-choice">
                    <input
                      type="checkbox"
                      checked={parties.some((p) => sameParty(p, party))}
                      onChange={(e) => toggleParty(party, e.target.checked)}
                    />{" "}
                    {network.name}
                  </label>
                );
              })}
            </div>
          </fieldset>
        ) : null}
        <fieldset>
          <legend>{t("draft.partners")}</legend>
          {partners.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
          <AgreementProblem error={partners.error} />
          {partners.data && partners.data.length === 0 ? <p className="muted">{t("draft.noPartners")}</p> : null}
          <div className="agreement-choices__grid">
            {(partners.data ?? []).map((partner) => {
              const party: PartyRef = { kind: "partner", ref: partner.id };
              return (
                <label key={partner.id} className="agreement-choice">
                  <input
                    type="checkbox"
                    checked={parties.some((p) => sameParty(p, party))}
                    onChange={(e) => toggleParty(party, e.target.checked)}
                  />{" "}
                  {partner.name}
                </label>
              );
            })}
          </div>
        </fieldset>
        <p aria-live="polite" className="agreement-chosen">
          {parties.length > 0
            ? t("draft.chosen", { parties: parties.map(nameOf).join(", ") })
            : t("draft.noneChosen")}
        </p>
      </fieldset>

      <fieldset className="agreement-choices" aria-describedby={described("areas")}>
        <legend>{t("draft.areas")}</legend>
        {fieldError("areas")}
        <div className="agreement-choices__grid">
          {COOPERATION_AREAS.map((area) => (
            <label key={area} className="agreement-choice">
              <input
                type="checkbox"
                checked={areas.includes(area)}
                onChange={(e) => toggleArea(area, e.target.checked)}
              />{" "}
              {t(`areas.${area}`)}
            </label>
          ))}
        </div>
      </fieldset>

      <label htmlFor={id("objectives")}>{t("draft.objectives")}</label>
      <textarea
        id={id("objectives")}
        required
        minLength={3}
        maxLength={10000}
        rows={4}
        value={objectives}
        aria-invalid={!!errors.objectives || undefined}
        aria-describedby={described("objectives")}
        onChange={(e) => setObjectives(e.target.value)}
      />
      {fieldError("objectives")}

      <div className="agreement-form__dates">
        <div>
          <label htmlFor={id("start")}>{t("draft.start")}</label>
          <input
            id={id("start")}
            type="date"
            required
            value={start}
            aria-invalid={!!errors.start_date || undefined}
            aria-describedby={described("start_date")}
            onChange={(e) => setStart(e.target.value)}
          />
          {fieldError("start_date")}
        </div>
        <div>
          <label htmlFor={id("end")}>{t("draft.end")}</label>
          <input
            id={id("end")}
            type="date"
            min={start || undefined}
            value={end}
            aria-invalid={!!errors.end_date || undefined}
            aria-describedby={described("end_date", id("end-help"))}
            onChange={(e) => setEnd(e.target.value)}
          />
          <p id={id("end-help")} className="muted field-help">
            {t("draft.endHelp")}
          </p>
          {fieldError("end_date")}
        </div>
      </div>

      <div className="agreement-form__dates">
        <div>
          <label htmlFor={id("renewal")}>{t("draft.renewal")}</label>
          <select
            id={id("renewal")}
            value={rule}
            aria-describedby={described("renewal")}
            onChange={(e) => setRule(e.target.value as RenewalRule)}
          >
            {RENEWAL_RULES.map((option) => (
              <option key={option} value={option}>
                {t(`renewal.${option}`)}
              </option>
            ))}
          </select>
          {fieldError("renewal")}
        </div>
        {rule === "automatic" ? (
          <div>
            <label htmlFor={id("months")}>{t("draft.months")}</label>
            <input
              id={id("months")}
              type="number"
              required
              min={1}
              max={120}
              step={1}
              value={months}
              aria-invalid={!!errors.months || undefined}
              aria-describedby={described("months")}
              onChange={(e) => setMonths(e.target.value)}
            />
            {fieldError("months")}
          </div>
        ) : null}
      </div>

      <AgreementProblem error={otherProblem} />
      <p className="agreement-form__buttons">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>{" "}
        {cancel}
      </p>
    </form>
  );
}
