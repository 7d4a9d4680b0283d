// One roadmap action: where it stands, its progress log, indicators and milestones, its history.
// The group's members report progress here; its coordinator records reached milestones.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import {
  useAction,
  useActionHistory,
  useGroup,
  useMilestoneReached,
  useReportProgress,
  type Action,
} from "./queries";

function ProgressForm({ action }: { action: Action }) {
  const { t } = useTranslation("roadmap");
  const report = useReportProgress(action);
  const [comment, setComment] = useState("");
  const [percent, setPercent] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    report.mutate(
      { comment: comment.trim(), percent: percent === "" ? null : Number(percent) },
      {
        onSuccess: () => {
          setComment("");
          setPercent("");
        },
      },
    );
  };
  return (
    <form onSubmit={submit}>
      <label htmlFor="progress-comment">{t("action.entry")}</label>
      <textarea
        id="progress-comment"
        required
        minLength={2}
        maxLength={5000}
        rows={3}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <label htmlFor="progress-percent">{t("action.percent")}</label>
      <input
        id="progress-percent"
        type="number"
        min={0}
        max={100}
        step={1}
        value={percent}
        onChange={(e) => setPercent(e.target.value)}
      />
      <p>
        <button type="submit" className="primary" disabled={report.isPending}>
          {t("action.report")}
        </button>
      </p>
      <ProblemMessage error={report.error} />
      <p role="status">{report.isSuccess ? t("action.reported") : ""}</p>
    </form>
  );
}

export function ActionPage() {
  const { actionId = "" } = useParams();
  const { t } = useTranslation("roadmap");
  const format = useFormat();
  const { hasRole, principal } = useAuth();
  const action = useAction(actionId);
  const history = useActionHistory(actionId);
  const data = action.data;
  const group = useGroup(data?.working_group_id ?? "");
  const reached = useMilestoneReached(actionId);
  const inGroup = !!data?.working_group_id && (principal?.working_groups ?? []).includes(data.working_group_id);
  const coordinates = hasRole("secretariat") || (hasRole("wg_coordinator") && inGroup);
  const reports = coordinates || (hasRole("wg_member") && inGroup);
  const latest = data?.progress.reduce<number | null>((last, entry) => entry.percent ?? last, null) ?? null;

  return (
    <>
      <p>
        {data?.working_group_id ? (
          <Link to={`/roadmap/groups/${data.working_group_id}`}>{group.data?.name ?? t("action.group")}</Link>
        ) : (
          <Link to="/roadmap">{t("title")}</Link>
        )}
      </p>
      <h1>{data?.title ?? t("common:common.loading")}</h1>
      <ProblemMessage error={action.error} />
      {data ? (
        <>
          <p>
            <span className="badge">{t(`status.${data.status}`)}</span>{" "}
            {data.overdue ? <span className="badge overdue">{t("overdue")}</span> : null}{" "}
            <span className="badge">{t(`priority.${data.priority}`)}</span>
          </p>
          {data.status_reason ? <p>{t("action.statusReason", { reason: data.status_reason })}</p> : null}
          <p>{data.description}</p>
          <dl className="action-facts">
            <dt>{t("action.lead")}</dt>
            <dd>{format.country(data.lead_country)}</dd>
            <dt>{t("action.participants")}</dt>
            <dd>{data.participants.map(format.country).join(", ") || "—"}</dd>
            <dt>{t("action.start")}</dt>
            <dd>{format.date(data.start_date)}</dd>
            <dt>{t("action.due")}</dt>
            <dd>{format.date(data.due_date)}</dd>
          </dl>
          <label htmlFor="action-progress">{t("action.progress")}</label>
          <progress id="action-progress" max={100} value={latest ?? 0}>
            {t("action.progressValue", { percent: latest ?? 0 })}
          </progress>{" "}
          <span>{t("action.progressValue", { percent: latest ?? 0 })}</span>

          <h2>{t("action.indicators")}</h2>
          {data.indicators.length === 0 ? (
            <p className="muted">{t("common:common.none")}</p>
          ) : (
            <TableScroll label={t("action.indicators")}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("action.indicator")}</th>
                    <th scope="col">{t("action.target")}</th>
                    <th scope="col">{t("action.current")}</th>
                    <th scope="col">{t("action.unit")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.indicators.map((indicator) => (
                    <tr key={indicator.number}>
                      <th scope="row">{indicator.name}</th>
                      <td>{format.number(Number(indicator.target))}</td>
                      <td>{format.number(Number(indicator.current))}</td>
                      <td>{indicator.unit}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}

          <h2>{t("action.milestones")}</h2>
          {data.milestones.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
          <ul>
            {data.milestones.map((milestone) => (
              <li key={milestone.number}>
                <strong>{milestone.title}</strong> —{" "}
                {milestone.reached_on
                  ? t("action.reached", { date: format.date(milestone.reached_on) })
                  : t("action.pending", { date: format.date(milestone.due_date) })}
                {!milestone.reached_on && coordinates ? (
                  <>
                    {" "}
                    <button type="button" onClick={() => reached.mutate({ number: milestone.number, version: data.version })} disabled={reached.isPending}>
                      {t("action.markReached", { title: milestone.title })}
                    </button>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          <ProblemMessage error={reached.error} />

          <h2>{t("action.log")}</h2>
          {data.progress.length === 0 ? <p className="muted">{t("action.noLog")}</p> : null}
          <ol className="feed" reversed>
            {[...data.progress].reverse().map((entry) => (
              <li key={entry.number}>
                {entry.percent !== null && entry.percent !== undefined ? (
                  <strong>{t("action.progressValue", { percent: entry.percent })} · </strong>
                ) : null}
                {entry.comment}
                <br />
                <span className="muted">
                  {t("action.by", { who: entry.reported_by, when: format.dateTime(entry.reported_at) })}
                </span>
              </li>
            ))}
          </ol>
          {reports ? <ProgressForm action={data} /> : null}

          <h2>{t("action.history")}</h2>
          <ProblemMessage error={history.error} />
          <ol className="feed">
            {(history.data ?? []).map((entry) => (
              <li key={`${entry.version}-${entry.action}-${entry.occurred_at}`}>
                <strong>{t(`dashboard:events.action.${entry.action}`, { defaultValue: entry.action })}</strong>
                {" · "}
                {t("action.version", { version: entry.version })}
                <br />
                <span className="muted">{t("action.by", { who: entry.actor, when: format.dateTime(entry.occurred_at) })}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </>
  );
}
