// Integration clients: other systems that read the platform or subscribe to its events with an
// API key. A new client's key is shown once, when it is made; revoking one is asked twice,
// because every system using that key stops at once.
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { AdminPage } from "./AdminPage";
import { AdminProblem } from "./AdminProblem";
import { SCOPES, useClients, useCreateClient, useRevokeClient, useUsers, type Client, type Scope } from "./queries";
import { ShownOnce } from "./ShownOnce";

function NewClientForm() {
  const { t } = useTranslation("admin");
  const id = useId();
  const create = useCreateClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [noScope, setNoScope] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNoScope(scopes.length === 0);
    if (scopes.length === 0) return;
    create.mutate({ name: name.trim(), scopes }, { onSuccess: () => setName("") });
  };

  return (
    <>
      {create.data ? (
        <ShownOnce
          heading={t("clients.keyHeading", { name: create.data.name })}
          label={t("clients.key")}
          value={create.data.api_key}
          // Forgetting the mutation's answer forgets the key: it is not shown again.
          onDismiss={() => create.reset()}
        />
      ) : null}
      <form className="card admin-form" aria-labelledby={`${id}-heading`} onSubmit={submit}>
        <h2 id={`${id}-heading`}>{t("clients.create")}</h2>
        <label htmlFor={`${id}-name`}>{t("clients.name")}</label>
        <input
          id={`${id}-name`}
          type="text"
          required
          minLength={2}
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <fieldset className="admin-choices">
          <legend>{t("clients.scopes")}</legend>
          {SCOPES.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((current) =>
                    e.target.checked ? [...current.filter((s) => s !== scope), scope] : current.filter((s) => s !== scope),
                  )
                }
              />
              <span>
                {t(`clients.scope.${scope}`)} — <span className="muted">{t(`clients.scopeHelp.${scope}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="admin-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t("clients.createSubmit")}
          </button>
        </div>
        {noScope ? (
          <p role="alert" className="problem">
            {t("clients.needsScope")}
          </p>
        ) : null}
        <AdminProblem error={create.error} />
      </form>
    </>
  );
}

function RevokeConfirmation({ client, onDone, onCancel }: { client: Client; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation("admin");
  const id = useId();
  const revoke = useRevokeClient();
  const cancel = useRef<HTMLButtonElement>(null);
  // The safe answer gets the focus: Enter on a stray key press does not revoke.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <section
      className="card admin-confirm"
      role="alertdialog"
      aria-labelledby={`${id}-heading`}
      aria-describedby={`${id}-text`}
    >
      <h2 id={`${id}-heading`}>{t("clients.revokeHeading", { name: client.name })}</h2>
      <p id={`${id}-text`}>{t("clients.revokeText")}</p>
      <div className="admin-actions">
        <button
          type="button"
          className="danger"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(client, { onSuccess: onDone })}
        >
          {t("clients.revokeConfirm")}
        </button>
        <button type="button" ref={cancel} onClick={onCancel}>
          {t("common:common.cancel")}
        </button>
      </div>
      <AdminProblem error={revoke.error} />
    </section>
  );
}

export function ClientsPage() {
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("clients.title")}>
      <Clients />
    </AdminPage>
  );
}

function Clients() {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const clients = useClients();
  // The gateway records who made a client by subject (a user's id): the email says more.
  const users = useUsers();
  const personOf = (subject: string) => users.data?.find((u) => u.id === subject)?.email ?? subject;
  const [revoking, setRevoking] = useState<Client | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);

  return (
    <>
      <p className="muted">{t("clients.intro")}</p>
      <div role="status">{revoked ? <p className="notice">{t("clients.revoked", { name: revoked })}</p> : null}</div>
      <ProblemMessage error={clients.error} />
      {clients.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {clients.data && clients.data.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
      {clients.data && clients.data.length > 0 ? (
        <TableScroll label={t("clients.caption")}>
          <table>
            <caption className="visually-hidden">{t("clients.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("clients.name")}</th>
                <th scope="col">{t("clients.keyPrefix")}</th>
                <th scope="col">{t("clients.scopes")}</th>
                <th scope="col">{t("clients.createdAt")}</th>
                <th scope="col">{t("clients.lastUsed")}</th>
                <th scope="col">{t("clients.status")}</th>
                <th scope="col">{t("users.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {clients.data.map((client) => (
                <tr key={client.id}>
                  <th scope="row">{client.name}</th>
                  <td>
                    <code>{client.key_prefix}</code>
                  </td>
                  <td>{client.scopes.map((s) => t(`clients.scope.${s}`)).join(", ")}</td>
                  <td>
                    {format.dateTime(client.created_at)}
                    <br />
                    <span className="muted">{t("clients.by", { who: personOf(client.created_by) })}</span>
                  </td>
                  <td>{client.last_used_at ? format.dateTime(client.last_used_at) : t("clients.neverUsed")}</td>
                  <td>
                    {client.revoked_at ? (
                      <span className="badge admin-badge--off">
                        {t("clients.revokedOn", { date: format.dateTime(client.revoked_at) })}
                      </span>
                    ) : (
                      <span className="badge admin-badge--on">{t("clients.active")}</span>
                    )}
                  </td>
                  <td>
                    {client.revoked_at ? null : (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          setRevoked(null);
                          setRevoking(client);
                        }}
                      >
                        {t("clients.revoke")}{" "}
                        <span className="visually-hidden">{client.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {revoking ? (
        <RevokeConfirmation
          key={revoking.id}
          client={revoking}
          onCancel={() => setRevoking(null)}
          onDone={() => {
            setRevoked(revoking.name);
            setRevoking(null);
          }}
        />
      ) : null}
      <NewClientForm />
    </>
  );
}
