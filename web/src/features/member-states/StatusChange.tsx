// The secretariat changes a member state's membership: only the moves its status allows, with a
// reason where the change records one. The version read with the page goes as If-Match, so a
// change someone else made meanwhile is reported instead of overwritten.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ProblemMessage } from "../../layout/ProblemMessage";
import { TRANSITIONS, useChangeStatus, type MemberState, type Transition } from "./queries";

export function StatusChange({ state }: { state: MemberState }) {
  const { t } = useTranslation("memberStates");
  const options = TRANSITIONS[state.status];
  const [action, setAction] = useState<Transition | "">(options[0]?.action ?? "");
  const [reason, setReason] = useState("");
  const change = useChangeStatus(state.code);
  const chosen = options.find((o) => o.action === action) ?? options[0];

  if (options.length === 0) return <p className="muted">{t("change.none")}</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    change.mutate(
      { action: chosen.action, version: state.version, reason: reason.trim() },
      { onSuccess: () => setReason("") },
    );
  };

  return (
    <form onSubmit={submit} className="card" aria-labelledby="status-change-heading">
      <h2 id="status-change-heading" style={{ marginTop: 0 }}>
        {t("change.heading")}
      </h2>
      <label htmlFor="status-action">{t("change.action")}</label>
      <select id="status-action" value={chosen?.action} onChange={(e) => setAction(e.target.value as Transition)}>
        {options.map((o) => (
          <option key={o.action} value={o.action}>
            {t(`change.actions.${o.action}`)}
          </option>
        ))}
      </select>
      {chosen?.needsReason ? (
        <>
          <label htmlFor="status-reason">{t("change.reason")}</label>
          <textarea
            id="status-reason"
            required
            minLength={3}
            maxLength={1000}
            rows={3}
            value={reason}
            aria-describedby="status-reason-help"
            onChange={(e) => setReason(e.target.value)}
          />
          <p id="status-reason-help" className="muted">
            {t("change.reasonHelp")}
          </p>
        </>
      ) : null}
      <p>
        <button type="submit" className="primary" disabled={change.isPending}>
          {t("change.submit")}
        </button>
      </p>
      <ProblemMessage error={change.error} />
      <div role="status">
        {change.isSuccess && change.data ? (
          <p className="notice">{t("change.done", { status: t(`status.${change.data.status}`) })}</p>
        ) : null}
      </div>
    </form>
  );
}
