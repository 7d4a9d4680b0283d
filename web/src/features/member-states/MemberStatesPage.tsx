// Every member state with its membership status, filtered by status; each opens its profile.
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { MEMBER_STATUSES, useMemberStates, type MemberState, type MemberStatus } from "./queries";

/** The member state's name as the platform records it, in the interface's language. */
export function useStateName() {
  const { i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? "es") as keyof MemberState["names"];
  return (state: MemberState) => state.names[lang] ?? state.names.es;
}

export function MemberStatesPage() {
  const { t } = useTranslation("memberStates");
  const format = useFormat();
  const name = useStateName();
  const [search, setSearch] = useSearchParams();
  const status = (search.get("status") as MemberStatus | null) ?? undefined;
  const states = useMemberStates(status);
  const rows = [...(states.data ?? [])].sort((a, b) => name(a).localeCompare(name(b), format.locale));

  return (
    <>
      <h1>{t("title")}</h1>
      <div className="toolbar">
        <div>
          <label htmlFor="member-status">{t("filterStatus")}</label>
          <select
            id="member-status"
            value={status ?? ""}
            onChange={(e) => setSearch(e.target.value ? { status: e.target.value } : {})}
          >
            <option value="">{t("allStatuses")}</option>
            {MEMBER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <p className="muted" aria-live="polite" style={{ margin: 0 }}>
          {states.data ? t("count", { count: rows.length, figure: format.number(rows.length) }) : ""}
        </p>
      </div>
      <ProblemMessage error={states.error} />
      {states.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {states.data ? (
        <TableScroll label={t("title")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("columns.name")}</th>
                <th scope="col">{t("columns.code")}</th>
                <th scope="col">{t("columns.status")}</th>
                <th scope="col">{t("columns.admitted")}</th>
                <th scope="col">{t("columns.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((state) => (
                <tr key={state.code}>
                  <th scope="row">
                    <Link to={`/member-states/${state.code}`}>{name(state)}</Link>
                  </th>
                  <td>{state.code}</td>
                  <td>
                    <span className="badge">{t(`status.${state.status}`)}</span>
                  </td>
                  <td>{format.date(state.admitted_on)}</td>
                  <td>{state.status_reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </>
  );
}
