// A national directory imported from a CSV file: the secretariat for any member state, a
// representative for their own country. The upload answers with a job at once; its progress (rows
// done of the rows counted) is then asked for until it ends, and its report lists each rejected row
// with its line and reason. The job followed is in the address (?job=…), so a reload keeps it.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useMemberStates } from "../member-states/queries";
import {
  CSV_COLUMNS,
  importEnded,
  useImportJob,
  useRecentImports,
  useRejections,
  useStartImport,
  type ImportJob,
} from "./queries";
import "./directory.css";

/** "N of M rows" once the job has counted the file's rows, "N rows processed" before. */
function useRowCount() {
  const { t } = useTranslation("directory");
  const format = useFormat();
  return (job: ImportJob) =>
    job.total_rows !== null && job.total_rows !== undefined
      ? t("import.rows", { done: format.number(job.rows_done), total: format.number(job.total_rows) })
      : t("import.rowsUnknown", { done: format.number(job.rows_done) });
}

/** The secretariat picks the member state whose directory the file is. */
function CountryChoice({
  value,
  onChange,
  invalid,
}: {
  value: string;
  onChange: (country: string) => void;
  invalid: boolean;
}) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const states = useMemberStates();
  const countries = [...(states.data ?? [])].sort((a, b) =>
    format.country(a.code).localeCompare(format.country(b.code), format.locale),
  );
  return (
    <>
      <label htmlFor="import-country">{t("country")}</label>
      <select id="import-country" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid || undefined}>
        <option value="">{t("import.chooseCountry")}</option>
        {countries.map((state) => (
          <option key={state.code} value={state.code}>
            {format.country(state.code)} ({state.code})
          </option>
        ))}
      </select>
      <ProblemMessage error={states.error} />
    </>
  );
}

/** A representative's own country, a list of one: there is nothing else they may pick. */
function FixedCountry({ country }: { country: string }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  return (
    <>
      <label htmlFor="import-country">{t("country")}</label>
      <select id="import-country" value={country} aria-describedby="import-country-help" onChange={() => undefined}>
        <option value={country}>
          {format.country(country)} ({country})
        </option>
      </select>
      <p id="import-country-help" className="muted">
        {t("import.ownCountry")}
      </p>
    </>
  );
}

function ImportForm({ fixedCountry, onStarted }: { fixedCountry: string | null; onStarted: (job: ImportJob) => void }) {
  const { t } = useTranslation("directory");
  const start = useStartImport();
  const [country, setCountry] = useState(fixedCountry ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState<"country" | "file" | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const lacking = !country ? "country" : !file ? "file" : null;
    setMissing(lacking);
    if (lacking || !file) return;
    start.mutate({ country, file }, { onSuccess: onStarted });
  };

  return (
    <form className="card import-form" onSubmit={submit} noValidate>
      <p id="import-help">{t("import.help", { columns: CSV_COLUMNS.join(", ") })}</p>
      <p className="muted">{t("import.columns")}</p>
      <code className="import-columns">{CSV_COLUMNS.join(",")}</code>

      {fixedCountry ? (
        <FixedCountry country={fixedCountry} />
      ) : (
        <CountryChoice value={country} onChange={setCountry} invalid={missing === "country"} />
      )}

      <label htmlFor="import-file">{t("import.file")}</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        aria-describedby="import-help"
        aria-invalid={missing === "file" || undefined}
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />

      <div className="toolbar import-form__actions">
        <button type="submit" className="primary" disabled={start.isPending}>
          {t("import.submit")}
        </button>
        <span role="status" className="muted">
          {start.isPending ? t("import.uploading") : ""}
        </span>
      </div>
      {missing ? (
        <p role="alert" className="problem">
          {missing === "country" ? t("import.noCountry") : t("import.noFile")}
        </p>
      ) : null}
      <ProblemMessage error={start.error} />
    </form>
  );
}

/** Where the progress bar stands: rows done of the rows counted; no value (indeterminate) before the count. */
function barOf(job: ImportJob): { max?: number; value?: number } {
  if (job.total_rows) return { max: job.total_rows, value: Math.min(job.rows_done, job.total_rows) };
  if (job.status === "completed") return { max: 1, value: 1 }; // a file without rows: done
  return {};
}

function Rejections({ job }: { job: ImportJob }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const rejections = useRejections(job);
  return (
    <section aria-labelledby="import-rejected-heading">
      <h2 id="import-rejected-heading">{t("import.rejected")}</h2>
      <ProblemMessage error={rejections.error} />
      {rejections.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {rejections.data ? (
        <TableScroll label={t("import.rejected")}>
          <table aria-labelledby="import-rejected-heading">
            <thead>
              <tr>
                <th scope="col">{t("import.line")}</th>
                <th scope="col">{t("import.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {rejections.data.map((row) => (
                <tr key={row.line}>
                  <th scope="row">{format.number(row.line)}</th>
                  <td>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

function ImportProgress({ jobId }: { jobId: string }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const rowCount = useRowCount();
  const job = useImportJob(jobId);
  const data = job.data;
  const ended = importEnded(data);
  return (
    <>
      <section className="card import-job" aria-labelledby="import-job-heading">
        <h2 id="import-job-heading">{t("import.progress")}</h2>
        <ProblemMessage error={job.error} />
        {job.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
        {data ? (
          <>
            <p className="muted">
              {data.file_name || t("import.unnamed")} · {format.country(data.country)} · {format.dateTime(data.created_at)}
            </p>
            <progress
              aria-labelledby="import-job-heading"
              aria-describedby="import-job-rows"
              aria-valuetext={rowCount(data)}
              {...barOf(data)}
            />
            <p id="import-job-rows">{rowCount(data)}</p>
            <div role="status">
              <p>
                <strong>{t(`import.statusLabel.${data.status}`)}</strong>
              </p>
              {ended ? (
                <p data-testid="import-summary">
                  {t("import.summary", {
                    created: format.number(data.created),
                    updated: format.number(data.updated),
                    unchanged: format.number(data.unchanged),
                    rejected: format.number(data.rejected),
                  })}
                </p>
              ) : null}
            </div>
            {data.status === "failed" ? (
              <p role="alert" className="problem">
                {data.error ? t("import.failedWith", { error: data.error }) : t("import.statusLabel.failed")}
              </p>
            ) : null}
          </>
        ) : null}
      </section>
      {data && ended && data.rejected > 0 ? <Rejections job={data} /> : null}
    </>
  );
}

const RECENT = 10;

function RecentImports({ country, following }: { country: string | null; following: string | undefined }) {
  const { t } = useTranslation("directory");
  const format = useFormat();
  const rowCount = useRowCount();
  const { principal } = useAuth();
  const recent = useRecentImports(country ?? undefined);
  const jobs = (recent.data ?? []).slice(0, RECENT);
  return (
    <section aria-labelledby="import-recent-heading">
      <h2 id="import-recent-heading">{t("import.recent")}</h2>
      <ProblemMessage error={recent.error} />
      {recent.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {recent.data && jobs.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
      {jobs.length > 0 ? (
        <TableScroll label={t("import.recent")}>
          <table aria-labelledby="import-recent-heading">
            <thead>
              <tr>
                <th scope="col">{t("import.file_name")}</th>
                <th scope="col">{t("country")}</th>
                <th scope="col">{t("import.started")}</th>
                <th scope="col">{t("import.startedBy")}</th>
                <th scope="col">{t("status")}</th>
                <th scope="col">{t("import.rowsColumn")}</th>
                <th scope="col">{t("import.rejectedColumn")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <th scope="row">
                    <Link to={{ search: `?job=${job.id}` }} aria-current={job.id === following ? "true" : undefined}>
                      {job.file_name || t("import.unnamed")}
                    </Link>
                  </th>
                  <td>{format.country(job.country)}</td>
                  <td>{format.dateTime(job.created_at)}</td>
                  {/* The service knows who by their account id: one's own imports say so in words. */}
                  <td>{job.started_by === principal?.subject ? t("import.startedByYou") : job.started_by}</td>
                  <td>{t(`import.statusLabel.${job.status}`)}</td>
                  <td>{rowCount(job)}</td>
                  <td>{format.number(job.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

export function ImportPage() {
  const { t } = useTranslation("directory");
  const { hasRole, principal } = useAuth();
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job") || undefined;
  const secretariat = hasRole("secretariat");
  // A representative imports their own country's directory only (the server holds to it too).
  const fixedCountry = !secretariat && hasRole("representative") ? (principal?.country ?? null) : null;
  const allowed = secretariat || fixedCountry !== null;

  return (
    <>
      <p>
        <Link to="/libraries">{t("library.back")}</Link>
      </p>
      <h1>{t("import.title")}</h1>
      {allowed ? (
        <>
          <ImportForm fixedCountry={fixedCountry} onStarted={(job) => setParams({ job: job.id })} />
          {jobId ? <ImportProgress key={jobId} jobId={jobId} /> : null}
          <RecentImports country={fixedCountry} following={jobId} />
        </>
      ) : (
        <p>{t("import.notAllowed")}</p>
      )}
    </>
  );
}
