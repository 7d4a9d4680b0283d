// Every agreement, by code, filtered by status, type, country, cooperation area or partner, a page
// at a time; each opens its detail. The filters live in the address (a filtered list can be
// shared or bookmarked); the pages already seen are remembered so «Previous» goes back.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useMemberStates } from "../member-states/queries";
import { useAgreementAccess } from "./access";
import {
  AGREEMENT_STATUSES,
  AGREEMENT_TYPES,
  COOPERATION_AREAS,
  useAgreements,
  usePartners,
  type Agreement,
  type AgreementFilters,
  type Party,
} from "./queries";
import "./agreements.css";

/** A party as the interface names it: a member state in the interface's language, others by name. */
export function usePartyName() {
  const format = useFormat();
  return (party: Pick<Party, "kind" | "ref" | "name">) =>
    party.kind === "member_state" ? format.country(party.ref) : party.name;
}

/** "1 mar 2025 – 31 dic 2027", or open-ended. */
export function usePeriod() {
  const { t } = useTranslation("agreements");
  const day = useFormat().date;
  return (agreement: Pick<Agreement, "start_date" | "end_date">) =>
    agreement.end_date
      ? t("list.period", { from: day(agreement.start_date), to: day(agreement.end_date) })
      : t("list.openEnded", { from: day(agreement.start_date) });
}

const FILTERS = ["status", "type", "country", "area", "party"] as const;

function filtersOf(search: URLSearchParams): AgreementFilters {
  const filters: Record<string, string> = {};
  for (const name of FILTERS) {
    const value = search.get(name);
    if (value) filters[name] = value;
  }
  return filters as AgreementFilters;
}

function FilterSelect({
  name,
  label,
  value,
  options,
  onChange,
}: {
  name: (typeof FILTERS)[number];
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (name: string, value: string) => void;
}) {
  const { t } = useTranslation("agreements");
  const id = `agreements-filter-${name}`;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(name, e.target.value)}>
        <option value="">{t("list.all")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function AgreementsPage() {
  const { t } = useTranslation("agreements");
  const format = useFormat();
  const partyName = usePartyName();
  const period = usePeriod();
  const { mayDraft } = useAgreementAccess();
  const [search, setSearch] = useSearchParams();
  const filters = filtersOf(search);
  // The cursors of the pages seen so far under these filters (other filters start again at the
  // first page, however they changed: a select, or the browser's back button).
  const filtersKey = JSON.stringify(filters);
  const [paging, setPaging] = useState<{ filtersKey: string; cursors: (string | null)[] }>({
    filtersKey,
    cursors: [null],
  });
  const cursors = paging.filtersKey === filtersKey ? paging.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const turnTo = (seen: (string | null)[]) => setPaging({ filtersKey, cursors: seen });
  const agreements = useAgreements(filters, cursor);
  const states = useMemberStates();
  const partners = usePartners();

  const filter = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next);
  };

  const countries = (states.data ?? [])
    .map((s) => ({ value: s.code, label: format.country(s.code) }))
    .sort((a, b) => a.label.localeCompare(b.label, format.locale));
  const rows = agreements.data?.items ?? [];
  const nextCursor = agreements.data?.next_cursor ?? null;

  return (
    <>
      <div className="agreements-heading">
        <h1>{t("title")}</h1>
        {mayDraft ? (
          <Link to="/agreements/new" className="button primary">
            {t("newDraft")}
          </Link>
        ) : null}
      </div>
      <form className="toolbar" aria-label={t("list.filters")} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          name="status"
          label={t("list.status")}
          value={filters.status ?? ""}
          options={AGREEMENT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          onChange={filter}
        />
        <FilterSelect
          name="type"
          label={t("list.type")}
          value={filters.type ?? ""}
          options={AGREEMENT_TYPES.map((type) => ({ value: type, label: t(`types.${type}`) }))}
          onChange={filter}
        />
        <FilterSelect name="country" label={t("list.country")} value={filters.country ?? ""} options={countries} onChange={filter} />
        <FilterSelect
          name="area"
          label={t("list.area")}
          value={filters.area ?? ""}
          options={COOPERATION_AREAS.map((a) => ({ value: a, label: t(`areas.${a}`) }))}
          onChange={filter}
        />
        <FilterSelect
          name="party"
          label={t("list.partner")}
          value={filters.party ?? ""}
          options={(partners.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          onChange={filter}
        />
        {Object.keys(filters).length > 0 ? (
          <button
            type="button"
            onClick={() => setSearch({})}
          >
            {t("list.clear")}
          </button>
        ) : null}
      </form>
      <ProblemMessage error={agreements.error} />
      {agreements.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {agreements.data && rows.length === 0 ? <p className="muted">{t("list.empty")}</p> : null}
      {rows.length > 0 ? (
        <TableScroll label={t("title")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("list.columns.code")}</th>
                <th scope="col">{t("list.columns.title")}</th>
                <th scope="col">{t("list.columns.type")}</th>
                <th scope="col">{t("list.columns.status")}</th>
                <th scope="col">{t("list.columns.parties")}</th>
                <th scope="col">{t("list.columns.dates")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((agreement) => (
                <tr key={agreement.id}>
                  <td className="agreement-code">{agreement.code}</td>
                  <th scope="row">
                    <Link to={`/agreements/${agreement.id}`}>{agreement.title}</Link>
                  </th>
                  <td>{t(`types.${agreement.type}`)}</td>
                  <td>
                    <span className="badge">{t(`status.${agreement.status}`)}</span>
                  </td>
                  <td>{agreement.parties.map(partyName).join(", ")}</td>
                  <td>{period(agreement)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {cursors.length > 1 || nextCursor ? (
        <nav aria-label={t("list.pages")} className="agreements-pages">
          <button
            type="button"
            disabled={cursors.length <= 1}
            onClick={() => turnTo(cursors.slice(0, -1))}
          >
            {t("common:common.previous")}
          </button>
          <span>{t("list.page", { page: format.number(cursors.length) })}</span>
          <button
            type="button"
            disabled={!nextCursor}
            onClick={() => nextCursor && turnTo([...cursors, nextCursor])}
          >
            {t("common:common.next")}
          </button>
        </nav>
      ) : null}
    </>
  );
}
