// One agreement: its terms, each party with its signature (or still to sign), amendments, and the
// timeline of its history. It offers only what the person may do at this point of the lifecycle:
// edit or propose a draft (drafting roles of a party's country), sign for a party of one's own
// country while it circulates (or, for the secretariat, for any party), and the secretariat's
// suspend, resume and terminate. Every change goes with the version the page read.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { TableScroll } from "../../layout/TableScroll";
import { AgreementProblem } from "./AgreementProblem";
import { AgreementTermsForm } from "./AgreementTermsForm";
import { usePartyName } from "./AgreementsPage";
import { useAgreementAccess } from "./access";
import { signingDay } from "./days";
import {
  MOVES,
  useAgreement,
  useAgreementHistory,
  useChangeStatus,
  usePropose,
  useSign,
  useUpdateDraft,
  type Agreement,
  type HistoryEntry,
  type Move,
  type Party,
} from "./queries";
import "./agreements.css";

type Announce = (message: string) => void;

/** The agreement's name for a party's ref, as a problem document names parties. */
function usePartyByRef(agreement: Agreement) {
  const partyName = usePartyName();
  return (ref: string) => {
    const party = agreement.parties.find((p) => p.ref === ref);
    return party ? partyName(party) : ref;
  };
}

function SignForm({
  agreement,
  parties,
  onSigned,
  onCancel,
  onReload,
}: {
  agreement: Agreement;
  parties: Party[];
  onSigned: Announce;
  onCancel: () => void;
  onReload: () => void;
}) {
  const { t } = useTranslation("agreements");
  const { principal } = useAuth();
  const partyName = usePartyName();
  const partyByRef = usePartyByRef(agreement);
  const sign = useSign(agreement);
  const today = signingDay();
  const [party, setParty] = useState(parties[0]?.ref ?? "");
  const [signatory, setSignatory] = useState(principal?.display_name ?? "");
  const [position, setPosition] = useState("");
  const [signedOn, setSignedOn] = useState(today);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // mutateAsync, not mutate's own onSuccess: the new version may take this form off the page
    // (the party has signed) before that callback would run, and the news would be lost.
    sign
      .mutateAsync({ party, signatory: signatory.trim(), position: position.trim(), signed_on: signedOn || null })
      .then((signed) => onSigned(t("sign.done", { party: partyByRef(party), status: t(`status.${signed.status}`) })))
      .catch(() => undefined); // shown by the form from sign.error
  };

  return (
    <form id="sign-form" className="card agreement-action" aria-labelledby="sign-heading" onSubmit={submit}>
      <h3 id="sign-heading">{t("sign.heading")}</h3>
      <label htmlFor="sign-party">{t("sign.party")}</label>
      <select id="sign-party" value={party} onChange={(e) => setParty(e.target.value)}>
        {parties.map((p) => (
          <option key={p.ref} value={p.ref}>
            {partyName(p)}
          </option>
        ))}
      </select>
      <label htmlFor="sign-signatory">{t("sign.signatory")}</label>
      <input
        id="sign-signatory"
        type="text"
        required
        minLength={2}
        maxLength={300}
        autoComplete="name"
        value={signatory}
        onChange={(e) => setSignatory(e.target.value)}
      />
      <label htmlFor="sign-position">{t("sign.position")}</label>
      <input
        id="sign-position"
        type="text"
        required
        minLength={2}
        maxLength={300}
        autoComplete="organization-title"
        autoFocus
        value={position}
        onChange={(e) => setPosition(e.target.value)}
      />
      <label htmlFor="sign-date">{t("sign.date")}</label>
      <input
        id="sign-date"
        type="date"
        required
        max={today}
        value={signedOn}
        aria-describedby="sign-date-help"
        onChange={(e) => setSignedOn(e.target.value)}
      />
      <p id="sign-date-help" className="muted field-help">
        {t("sign.dateHelp")}
      </p>
      <AgreementProblem
        error={sign.error}
        partyName={partyByRef}
        onReload={() => {
          sign.reset();
          onReload();
        }}
      />
      <p className="agreement-form__buttons">
        <button type="submit" className="primary" disabled={sign.isPending}>
          {t("sign.confirm")}
        </button>{" "}
        <button type="button" onClick={onCancel}>
          {t("common:common.cancel")}
        </button>
      </p>
    </form>
  );
}

function ProposeButton({ agreement, onProposed, onReload }: { agreement: Agreement; onProposed: Announce; onReload: () => void }) {
  const { t } = useTranslation("agreements");
  const propose = usePropose(agreement);
  const partyByRef = usePartyByRef(agreement);
  return (
    <div className="agreement-action">
      <p className="muted" id="propose-help">
        {t("propose.help")}
      </p>
      <button
        type="button"
        className="primary"
        aria-describedby="propose-help"
        disabled={propose.isPending}
        onClick={() =>
          // As for signing: a proposed agreement has no «Propose», so the button is gone by then.
          propose
            .mutateAsync()
            .then(() => onProposed(t("propose.done")))
            .catch(() => undefined)
        }
      >
        {t("propose.button")}
      </button>
      <AgreementProblem
        error={propose.error}
        partyName={partyByRef}
        onReload={() => {
          propose.reset();
          onReload();
        }}
      />
    </div>
  );
}

function StatusChange({
  agreement,
  moves,
  onChanged,
  onReload,
}: {
  agreement: Agreement;
  moves: Move[];
  onChanged: Announce;
  onReload: () => void;
}) {
  const { t } = useTranslation("agreements");
  const change = useChangeStatus(agreement);
  const [move, setMove] = useState<Move>(moves[0]!);
  const [reason, setReason] = useState("");
  const chosen = moves.includes(move) ? move : moves[0]!;
  const needsReason = MOVES.find((m) => m.move === chosen)?.needsReason ?? false;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // As for signing: a terminated agreement has no status changes left, and no form for them.
    change
      .mutateAsync({ move: chosen, reason: reason.trim() })
      .then((changed) => {
        setReason("");
        onChanged(t("change.done", { status: t(`status.${changed.status}`) }));
      })
      .catch(() => undefined);
  };

  return (
    <form className="card agreement-action" aria-labelledby="change-heading" onSubmit={submit}>
      <h3 id="change-heading">{t("change.heading")}</h3>
      <label htmlFor="change-action">{t("change.action")}</label>
      <select id="change-action" value={chosen} onChange={(e) => setMove(e.target.value as Move)}>
        {moves.map((m) => (
          <option key={m} value={m}>
            {t(`change.actions.${m}`)}
          </option>
        ))}
      </select>
      {needsReason ? (
        <>
          <label htmlFor="change-reason">{t("change.reason")}</label>
          <textarea
            id="change-reason"
            required
            minLength={3}
            maxLength={2000}
            rows={3}
            value={reason}
            aria-describedby="change-reason-help"
            onChange={(e) => setReason(e.target.value)}
          />
          <p id="change-reason-help" className="muted field-help">
            {t("change.reasonHelp")}
          </p>
        </>
      ) : null}
      <AgreementProblem
        error={change.error}
        onReload={() => {
          change.reset();
          onReload();
        }}
      />
      <p>
        <button type="submit" className="primary" disabled={change.isPending}>
          {t("change.submit")}
        </button>
      </p>
    </form>
  );
}

function EditDraft({ agreement, onSaved, onClose }: { agreement: Agreement; onSaved: Announce; onClose: () => void }) {
  const { t } = useTranslation("agreements");
  const { ownCountry } = useAgreementAccess();
  const update = useUpdateDraft(agreement);
  return (
    <section aria-labelledby="edit-heading" className="card">
      <h2 id="edit-heading">{t("edit.heading")}</h2>
      <AgreementTermsForm
        agreement={agreement}
        ownCountry={ownCountry}
        busy={update.isPending}
        error={update.error}
        submitLabel={t("common:common.save")}
        onSubmit={(terms) => update.mutate(terms, { onSuccess: () => onSaved(t("edit.done")) })}
        cancel={
          <button type="button" onClick={onClose}>
            {t("common:common.cancel")}
          </button>
        }
      />
    </section>
  );
}

function PartiesTable({ agreement }: { agreement: Agreement }) {
  const { t } = useTranslation("agreements");
  const format = useFormat();
  const day = format.date;
  const partyName = usePartyName();
  return (
    <TableScroll label={t("detail.parties")}>
      <table aria-labelledby="parties-heading">
        <thead>
          <tr>
            <th scope="col">{t("detail.party")}</th>
            <th scope="col">{t("detail.kind")}</th>
            <th scope="col">{t("detail.country")}</th>
            <th scope="col">{t("detail.signature")}</th>
          </tr>
        </thead>
        <tbody>
          {agreement.parties.map((party) => (
            <tr key={party.ref}>
              <th scope="row">{partyName(party)}</th>
              <td>{t(`partyKinds.${party.kind}`)}</td>
              <td>{party.country ? format.country(party.country) : "—"}</td>
              <td data-testid={`signature-${party.ref}`}>
                {party.signature ? (
                  t("detail.signed", {
                    signatory: party.signature.signatory,
                    position: party.signature.position,
                    date: day(party.signature.signed_on),
                  })
                ) : (
                  <span className="badge">{t("detail.pending")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Amendments({ agreement }: { agreement: Agreement }) {
  const { t } = useTranslation("agreements");
  const format = useFormat();
  const day = format.date;
  if (agreement.amendments.length === 0) return <p className="muted">{t("detail.noAmendments")}</p>;
  return (
    <ol className="feed">
      {agreement.amendments.map((amendment) => (
        <li key={amendment.number} id={`amendment-${amendment.number}`}>
          <strong>{t("detail.amendment", { number: amendment.number })}</strong> ·{" "}
          {t("detail.effective", { date: day(amendment.effective_on) })}
          <br />
          {amendment.summary}
          <br />
          {t("detail.changed", {
            terms: Object.keys(amendment.changes)
              .map((term) => t(`terms.${term}`, { defaultValue: term }))
              .join(", "),
          })}
          <br />
          <span className="muted">
            {t("detail.by", { who: amendment.amended_by, when: format.dateTime(amendment.amended_at) })}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The parties an entry's signature added: signed in its state, not in the state before. */
function newlySigned(entry: HistoryEntry, before: HistoryEntry | undefined): Party[] {
  const signed = (e: HistoryEntry | undefined) =>
    ((e?.state as Partial<Agreement> | undefined)?.parties ?? []).filter((p) => p.signature);
  const earlier = new Set(signed(before).map((p) => p.ref));
  return signed(entry).filter((p) => !earlier.has(p.ref));
}

function Timeline({ agreementId }: { agreementId: string }) {
  const { t } = useTranslation("agreements");
  const format = useFormat();
  const partyName = usePartyName();
  const history = useAgreementHistory(agreementId);
  const entries = history.data ?? [];
  const who = (actor: string) => (actor === "system" || actor.startsWith("system:") ? t("history.system") : actor);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t("history.heading")}</h2>
      <AgreementProblem error={history.error} />
      {history.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {history.data && entries.length === 0 ? <p className="muted">{t("history.empty")}</p> : null}
      {entries.length > 0 ? (
        <ol className="feed agreement-timeline" aria-labelledby="history-heading">
          {entries.map((entry, index) => {
            const signers = entry.action === "signed" ? newlySigned(entry, entries[index - 1]) : [];
            return (
              <li key={`${entry.version}-${entry.action}-${entry.occurred_at}`}>
                <strong>
                  {signers.length > 0
                    ? t("history.signedBy", { parties: signers.map(partyName).join(", ") })
                    : t(`history.actions.${entry.action}`, { defaultValue: entry.action })}
                </strong>{" "}
                <span className="muted">· {t("history.version", { version: entry.version })}</span>
                <br />
                <span className="muted">
                  {who(entry.actor)} · <time dateTime={entry.occurred_at}>{format.dateTime(entry.occurred_at)}</time>
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
    </section>
  );
}

export function AgreementPage() {
  const { agreementId = "" } = useParams();
  const location = useLocation();
  const { t } = useTranslation("agreements");
  const day = useFormat().date;
  const access = useAgreementAccess();
  const query = useAgreement(agreementId);
  const history = useAgreementHistory(agreementId);
  const agreement = query.data;
  // Arriving from the draft form, the page says the draft was saved.
  const navigate = useNavigate();
  const drafted = (location.state as { drafted?: boolean } | null)?.drafted === true;
  const [notice, setNotice] = useState<string>(drafted ? t("detail.drafted") : "");
  useEffect(() => {
    // Said once: a reload of the page does not say it again.
    if (drafted) void navigate(location.pathname, { replace: true, state: null });
  }, [drafted, navigate, location.pathname]);
  const [signing, setSigning] = useState(false);
  const [editing, setEditing] = useState(false);
  const noticeRef = useRef<HTMLDivElement>(null);

  const announce: Announce = (message) => {
    setSigning(false);
    setEditing(false);
    setNotice(message);
    // The control that was used may be gone now (a signed party has no «Sign»): the focus goes to the news.
    noticeRef.current?.focus();
  };
  const reload = () => {
    setNotice("");
    void query.refetch();
    void history.refetch();
  };

  const signable = agreement ? access.signableParties(agreement) : [];
  const moves = agreement ? access.moves(agreement) : [];
  const mayPropose = agreement ? access.mayPropose(agreement) : false;
  const mayEdit = agreement ? access.mayEdit(agreement) : false;
  const hasActions = signable.length > 0 || moves.length > 0 || mayPropose || mayEdit;

  return (
    <>
      <p>
        <Link to="/agreements">{t("detail.back")}</Link>
      </p>
      <h1>{agreement?.title ?? t("detail.heading")}</h1>
      <AgreementProblem error={query.error} />
      {query.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      <div role="status" ref={noticeRef} tabIndex={-1} className="agreement-notice">
        {notice ? <p className="notice">{notice}</p> : null}
      </div>
      {agreement ? (
        <>
          <p>
            <span className="agreement-code">{agreement.code}</span> ·{" "}
            <span className="badge">{t(`types.${agreement.type}`)}</span>{" "}
            <span className="badge" data-testid="agreement-status">
              {t(`status.${agreement.status}`)}
            </span>
          </p>
          {agreement.status_reason ? <p>{t("detail.statusReason", { reason: agreement.status_reason })}</p> : null}

          {hasActions ? (
            <section aria-labelledby="actions-heading" className="agreement-actions">
              <h2 id="actions-heading">{t("detail.actions")}</h2>
              {mayEdit && !editing ? (
                <p>
                  <button type="button" onClick={() => setEditing(true)}>
                    {t("edit.button")}
                  </button>
                </p>
              ) : null}
              {mayPropose ? <ProposeButton agreement={agreement} onProposed={announce} onReload={reload} /> : null}
              {signable.length > 0 ? (
                <>
                  <p>
                    <button
                      type="button"
                      className={signing ? undefined : "primary"}
                      aria-expanded={signing}
                      aria-controls={signing ? "sign-form" : undefined}
                      onClick={() => setSigning((open) => !open)}
                    >
                      {t("sign.button")}
                    </button>
                  </p>
                  {signing ? (
                    <SignForm
                      agreement={agreement}
                      parties={signable}
                      onSigned={announce}
                      onCancel={() => setSigning(false)}
                      onReload={reload}
                    />
                  ) : null}
                </>
              ) : null}
              {moves.length > 0 ? (
                <StatusChange agreement={agreement} moves={moves} onChanged={announce} onReload={reload} />
              ) : null}
            </section>
          ) : null}

          {editing ? <EditDraft agreement={agreement} onSaved={announce} onClose={() => setEditing(false)} /> : null}

          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">{t("detail.facts")}</h2>
            <dl className="agreement-facts">
              <dt>{t("detail.code")}</dt>
              <dd>{agreement.code}</dd>
              <dt>{t("detail.type")}</dt>
              <dd>{t(`types.${agreement.type}`)}</dd>
              <dt>{t("detail.status")}</dt>
              <dd>{t(`status.${agreement.status}`)}</dd>
              <dt>{t("detail.start")}</dt>
              <dd>{day(agreement.start_date)}</dd>
              <dt>{t("detail.end")}</dt>
              <dd>{agreement.end_date ? day(agreement.end_date) : t("detail.noEnd")}</dd>
              <dt>{t("detail.renewal")}</dt>
              <dd>
                {agreement.renewal.rule === "automatic" && agreement.renewal.months
                  ? t("renewalEvery", { count: agreement.renewal.months })
                  : t(`renewal.${agreement.renewal.rule}`)}
              </dd>
              <dt>{t("detail.createdBy")}</dt>
              <dd>{agreement.created_by}</dd>
            </dl>
          </section>

          <section aria-labelledby="objectives-heading">
            <h2 id="objectives-heading">{t("detail.objectives")}</h2>
            <p className="agreement-objectives">{agreement.objectives}</p>
          </section>

          <section aria-labelledby="areas-heading">
            <h2 id="areas-heading">{t("detail.areas")}</h2>
            <ul>
              {agreement.areas.map((area) => (
                <li key={area}>{t(`areas.${area}`)}</li>
              ))}
            </ul>
          </section>

          <section aria-labelledby="parties-heading">
            <h2 id="parties-heading">{t("detail.parties")}</h2>
            <PartiesTable agreement={agreement} />
          </section>

          <section aria-labelledby="amendments-heading">
            <h2 id="amendments-heading">{t("detail.amendments")}</h2>
            <Amendments agreement={agreement} />
          </section>

          <Timeline agreementId={agreementId} />
        </>
      ) : null}
    </>
  );
}
