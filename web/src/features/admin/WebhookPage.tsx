// One webhook subscription: what it takes and where it sends, stopping or resuming it, a new
// signing secret, sending again every event since a time, and its delivery log a page at a time,
// where a delivered or failed event can be sent again.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { AdminPage } from "./AdminPage";
import { AdminProblem } from "./AdminProblem";
import {
  DELIVERY_STATUSES,
  useDeliveries,
  useRedeliver,
  useReplay,
  useRotateSecret,
  useSubscription,
  useSubscriptionHistory,
  useSwitchSubscription,
  type Delivery,
  type DeliveryStatus,
  type Subscription,
} from "./queries";
import { ShownOnce } from "./ShownOnce";
import { SubscriptionStatus, useCountryFilter, useOwnerName } from "./WebhooksPage";

function Facts({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const countryFilter = useCountryFilter();
  const ownerName = useOwnerName();
  return (
    <dl className="admin-facts">
      <dt>{t("webhooks.url")}</dt>
      <dd className="admin-url">{subscription.url}</dd>
      {subscription.description ? (
        <>
          <dt>{t("webhooks.description")}</dt>
          <dd>{subscription.description}</dd>
        </>
      ) : null}
      <dt>{t("webhooks.status")}</dt>
      <dd>
        <SubscriptionStatus subscription={subscription} />
      </dd>
      <dt>{t("webhooks.eventTypes")}</dt>
      <dd>
        <ul className="admin-list">
          {subscription.event_types.map((type) => (
            <li key={type}>
              <code>{type}</code>
            </li>
          ))}
        </ul>
      </dd>
      <dt>{t("webhooks.countries")}</dt>
      <dd>{countryFilter(subscription.countries)}</dd>
      <dt>{t("webhooks.owner")}</dt>
      <dd>{ownerName(subscription.owner)}</dd>
      <dt>{t("webhooks.createdAt")}</dt>
      <dd>{format.dateTime(subscription.created_at)}</dd>
      <dt>{t("webhook.updatedAt")}</dt>
      <dd>{format.dateTime(subscription.updated_at)}</dd>
    </dl>
  );
}

function Switch({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation("admin");
  const change = useSwitchSubscription();
  const enable = !subscription.active;
  return (
    <section className="card" aria-labelledby="webhook-switch-heading">
      <h2 id="webhook-switch-heading">{t("webhook.switchHeading")}</h2>
      <p className="muted">{enable ? t("webhook.enableHelp") : t("webhook.disableHelp")}</p>
      <button
        type="button"
        className={enable ? "primary" : "danger"}
        disabled={change.isPending}
        onClick={() => change.mutate({ subscription, enable })}
      >
        {enable ? t("webhook.enable") : t("webhook.disable")}
      </button>
      <AdminProblem error={change.error} />
      <div role="status">
        {change.isSuccess ? (
          <p className="notice">{change.data.active ? t("webhook.enabledNow") : t("webhook.disabledNow")}</p>
        ) : null}
      </div>
    </section>
  );
}

function SecretRotation({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation("admin");
  const rotate = useRotateSecret();
  return (
    <section className="card" aria-labelledby="webhook-secret-heading">
      <h2 id="webhook-secret-heading">{t("webhook.secretHeading")}</h2>
      <p className="muted">{t("webhook.rotateHelp")}</p>
      <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate(subscription)}>
        {t("webhook.rotate")}
      </button>
      <AdminProblem error={rotate.error} />
      {rotate.data ? (
        <ShownOnce
          heading={t("webhook.newSecretHeading")}
          level={3}
          label={t("webhooks.secret")}
          value={rotate.data.secret}
          onDismiss={() => rotate.reset()}
        />
      ) : null}
    </section>
  );
}

function Replay({ subscriptionId }: { subscriptionId: string }) {
  const { t } = useTranslation("admin");
  const id = useId();
  const replay = useReplay(subscriptionId);
  const [since, setSince] = useState("");
  // The field holds a time without a zone; it is the person's own, which the API needs spelt out.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const moment = new Date(since);
    if (Number.isNaN(moment.getTime())) return;
    replay.mutate(moment.toISOString());
  };

  return (
    <form className="card" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h2 id={`${id}-heading`}>{t("webhook.replayHeading")}</h2>
      <p className="muted">{t("webhook.replayHelp")}</p>
      <label htmlFor={`${id}-since`}>{t("webhook.since")}</label>
      <input
        id={`${id}-since`}
        type="datetime-local"
        required
        value={since}
        aria-describedby={`${id}-zone`}
        onChange={(e) => setSince(e.target.value)}
      />
      <p id={`${id}-zone`} className="muted admin-help">
        {t("webhook.zone", { zone })}
      </p>
      <div className="admin-actions">
        <button type="submit" className="primary" disabled={replay.isPending || !since}>
          {t("webhook.replay")}
        </button>
      </div>
      <AdminProblem error={replay.error} />
      <div role="status">
        {replay.isSuccess ? <p className="notice">{t("webhook.queued", { count: replay.data.queued })}</p> : null}
      </div>
    </form>
  );
}

function DeliveryRow({ delivery, onRedeliver, busy }: { delivery: Delivery; onRedeliver: () => void; busy: boolean }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const status = delivery.status as DeliveryStatus;
  return (
    <tr>
      <th scope="row" className="admin-url">
        <code>{delivery.event_type}</code>
        <br />
        <span className="muted">
          {delivery.event_id} · {format.dateTime(delivery.event_time)}
        </span>
      </th>
      <td>{t(`webhook.cause.${delivery.cause}`, { defaultValue: delivery.cause })}</td>
      <td>{delivery.attempts}</td>
      <td>
        <span
          className={`badge ${status === "delivered" ? "admin-badge--on" : status === "failed" ? "admin-badge--off" : ""}`}
        >
          {t(`webhook.status.${delivery.status}`, { defaultValue: delivery.status })}
        </span>
        {delivery.last_status_code !== null ? (
          <>
            <br />
            {t("webhook.httpCode", { code: delivery.last_status_code })}
          </>
        ) : null}
      </td>
      <td>
        {delivery.delivered_at
          ? t("webhook.deliveredAt", { date: format.dateTime(delivery.delivered_at) })
          : delivery.last_attempt_at
            ? format.dateTime(delivery.last_attempt_at)
            : t("webhook.notTried")}
      </td>
      <td>{delivery.next_attempt_at ? format.dateTime(delivery.next_attempt_at) : "—"}</td>
      <td className="admin-url">{delivery.last_error ?? "—"}</td>
      <td>
        {/* A pending delivery will be tried anyway; the gateway refuses to queue it twice. */}
        {status === "pending" ? null : (
          <button type="button" disabled={busy} onClick={onRedeliver}>
            {t("webhook.redeliver")}{" "}
            <span className="visually-hidden">{delivery.event_id}</span>
          </button>
        )}
      </td>
    </tr>
  );
}

function DeliveryLog({ subscriptionId }: { subscriptionId: string }) {
  const { t } = useTranslation("admin");
  const id = useId();
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  // Cursors of the pages seen so far: "previous" goes back one without a cursor of its own.
  const [cursors, setCursors] = useState<string[]>([]);
  const deliveries = useDeliveries(subscriptionId, status || undefined, cursors.at(-1));
  const redeliver = useRedeliver(subscriptionId);
  const page = deliveries.data;

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t("webhook.logHeading")}</h2>
      <div className="toolbar">
        <div>
          <label htmlFor={`${id}-status`}>{t("webhook.filterStatus")}</label>
          <select
            id={`${id}-status`}
            value={status}
            onChange={(e) => {
              setCursors([]);
              setStatus(e.target.value as DeliveryStatus | "");
            }}
          >
            <option value="">{t("webhook.allStatuses")}</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`webhook.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ProblemMessage error={deliveries.error} />
      <AdminProblem error={redeliver.error} />
      <div role="status">
        {redeliver.isSuccess ? (
          <p className="notice">{t("webhook.redelivered", { event: redeliver.data.event_id })}</p>
        ) : null}
      </div>
      {deliveries.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {page && page.items.length === 0 ? <p className="muted">{t("webhook.noDeliveries")}</p> : null}
      {page && page.items.length > 0 ? (
        <TableScroll label={t("webhook.logHeading")}>
          <table>
            <caption className="visually-hidden">{t("webhook.logHeading")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("webhook.event")}</th>
                <th scope="col">{t("webhook.causeHeading")}</th>
                <th scope="col">{t("webhook.attempts")}</th>
                <th scope="col">{t("webhook.result")}</th>
                <th scope="col">{t("webhook.when")}</th>
                <th scope="col">{t("webhook.nextAttempt")}</th>
                <th scope="col">{t("webhook.error")}</th>
                <th scope="col">{t("users.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((delivery) => (
                <DeliveryRow
                  key={delivery.id}
                  delivery={delivery}
                  busy={redeliver.isPending}
                  onRedeliver={() => redeliver.mutate(delivery)}
                />
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {page && (cursors.length > 0 || page.next_cursor) ? (
        <nav className="admin-pages" aria-label={t("webhook.pages")}>
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t("common:common.previous")}
          </button>
          <span className="muted">{t("webhook.page", { number: cursors.length + 1 })}</span>
          <button
            type="button"
            disabled={!page.next_cursor || deliveries.isPlaceholderData}
            onClick={() => page.next_cursor && setCursors((c) => [...c, page.next_cursor!])}
          >
            {t("common:common.next")}
          </button>
        </nav>
      ) : null}
    </section>
  );
}

function History({ subscriptionId }: { subscriptionId: string }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const history = useSubscriptionHistory(subscriptionId);
  return (
    <section aria-labelledby="webhook-history-heading">
      <h2 id="webhook-history-heading">{t("webhook.historyHeading")}</h2>
      <ProblemMessage error={history.error} />
      {history.data && history.data.length === 0 ? <p className="muted">{t("common:common.none")}</p> : null}
      <ol className="feed">
        {(history.data ?? []).map((entry) => (
          <li key={`${entry.version}-${entry.action}-${entry.occurred_at}`}>
            <strong>{t(`webhook.actions.${entry.action}`, { defaultValue: entry.action })}</strong>
            {" · "}
            {t("webhook.version", { version: entry.version })}
            <br />
            <span className="muted">{t("webhook.by", { who: entry.actor, when: format.dateTime(entry.occurred_at) })}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Webhook({ subscriptionId }: { subscriptionId: string }) {
  const { t } = useTranslation("admin");
  const subscription = useSubscription(subscriptionId);
  const data = subscription.data;
  return (
    <>
      <p>
        <Link to="/admin/webhooks">{t("webhook.back")}</Link>
      </p>
      <AdminProblem error={subscription.error} />
      {subscription.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {data ? (
        <>
          <Facts subscription={data} />
          <div className="admin-sections">
            <Switch subscription={data} />
            <SecretRotation subscription={data} />
            <Replay subscriptionId={data.id} />
          </div>
          <DeliveryLog subscriptionId={data.id} />
          <History subscriptionId={data.id} />
        </>
      ) : null}
    </>
  );
}

export function WebhookPage() {
  const { subscriptionId = "" } = useParams();
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("webhook.title")}>
      <Webhook subscriptionId={subscriptionId} />
    </AdminPage>
  );
}
