// Search the directory: accent-insensitive text (the members service does it), filters, a page
// at a time; export what the filters select. The search lives in the address, so it can be shared.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useMemberStates } from "../member-states/queries";
import {
  downloadExport,
  LIBRARY_STATUSES,
  LIBRARY_TYPES,
  useLibraries,
  type LibraryStatus,
  type LibraryType,
  type Search,
} from "./queries";

function searchOf(params: URLSearchParams): Search {
  const value = (key: string) => params.get(key) || undefined;
  return {
    q: value("q"),
    country: value("country"),
    type: value("type") as LibraryType | undefined,
    status: value("status") as LibraryStatus | undefined,
  };
}

export function DirectoryPage() {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const { hasRole } = useAuth();
  const [params, setParams] = useSearchParams();
  const search = searchOf(params);
  // Cursors of the pages seen so far: "previous" goes back one without asking the server. They
  // belong to one search: a new one (from the form, a link or the browser's back) starts at page 1.
  const [paging, setPaging] = useState<{ search: string; cursors: string[] }>({ search: "", cursors: [] });
  const cursors = paging.search === params.toString() ? paging.cursors : [];
  const setCursors = (next: (cursors: string[]) => string[]) =>
    setPaging({ search: params.toString(), cursors: next(cursors) });
  const libraries = useLibraries(search, cursors.at(-1));
  const states = useMemberStates();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ["q", "country", "type", "status"]) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next.set(key, value);
    }
    setParams(next);
  };

  const exportAs = async (kind: "csv" | "json") => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadExport(kind, search);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  const countries = [...(states.data ?? [])].sort((a, b) =>
    format.country(a.code).localeCompare(format.country(b.code), format.locale),
  );
  const page = libraries.data;

  return (
    <>
      <h1>{t("title")}</h1>
      <form className="toolbar" role="search" onSubmit={submit} key={params.toString()}>
        <div style={{ flex: "2 1 16rem" }}>
          <label htmlFor="directory-q">{t("search")}</label>
          <input id="directory-q" name="q" type="search" defaultValue={search.q} aria-describedby="directory-q-help" />
        </div>
        <div>
          <label htmlFor="directory-country">{t("country")}</label>
          <select id="directory-country" name="country" defaultValue={search.country ?? ""}>
            <option value="">{t("any")}</option>
            {countries.map((state) => (
              <option key={state.code} value={state.code}>
                {format.country(state.code)} ({state.code})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="directory-type">{t("type")}</label>
          <select id="directory-type" name="type" defaultValue={search.type ?? ""}>
            <option value="">{t("any")}</option>
            {LIBRARY_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="directory-status">{t("status")}</label>
          <select id="directory-status" name="status" defaultValue={search.status ?? ""}>
            <option value="">{t("any")}</option>
            {LIBRARY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`statuses.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary">
          {t("searchButton")}
        </button>
      </form>
      <p id="directory-q-help" className="muted">
        {t("searchHelp")}
      </p>
      <div className="toolbar">
        {hasRole("secretariat", "representative") ? (
          <Link className="button" to="/libraries/import">
            {t("importLink")}
          </Link>
        ) : null}
        <button type="button" onClick={() => void exportAs("csv")} disabled={exporting}>
          {t("exportCsv")}
        </button>
        <button type="button" onClick={() => void exportAs("json")} disabled={exporting}>
          {t("exportJson")}
        </button>
        <span role="status" className="muted">
          {exporting ? t("exporting") : ""}
        </span>
      </div>
      <ProblemMessage error={libraries.error ?? exportError} />
      <h2>{t("results")}</h2>
      {libraries.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {page && page.items.length === 0 ? <p>{t("noResults")}</p> : null}
      {page && page.items.length > 0 ? (
        <TableScroll label={t("results")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("columns.name")}</th>
                <th scope="col">{t("columns.type")}</th>
                <th scope="col">{t("columns.country")}</th>
                <th scope="col">{t("columns.area")}</th>
                <th scope="col">{t("columns.status")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((library) => (
                <tr key={library.id}>
                  <th scope="row">
                    <Link to={`/libraries/${library.id}`}>{library.name}</Link>
                  </th>
                  <td>{library.type ? t(`types.${library.type}`) : "—"}</td>
                  <td>{format.country(library.country)}</td>
                  <td>{library.admin_levels?.join(" › ") || library.admin_area}</td>
                  <td>{t(`statuses.${library.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <nav className="toolbar" aria-label={t("results")} style={{ marginTop: "1rem" }}>
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t("common:common.previous")}
        </button>
        <span>{t("page", { page: cursors.length + 1 })}</span>
        <button
          type="button"
          disabled={!page?.next_cursor}
          onClick={() => page?.next_cursor && setCursors((c) => [...c, page.next_cursor!])}
        >
          {t("common:common.next")}
        </button>
      </nav>
    </>
  );
}
