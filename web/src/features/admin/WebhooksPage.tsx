// Webhook subscriptions, every integration client's (the secretariat sees all): where events go,
// which event types and countries each takes, whether it is delivering; and a new subscription,
// whose signing secret is shown once.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useStateName } from "../member-states/MemberStatesPage";
import { useMemberStates } from "../member-states/queries";
import { AdminPage } from "./AdminPage";
import { AdminProblem } from "./AdminProblem";
import { useClients, useCreateSubscription, useSubscriptions, useUsers, type Subscription } from "./queries";
import { ShownOnce } from "./ShownOnce";

// As the gateway reads event-type filters: an exact type, a prefix ending in `.*`, or `*`.
const EVENT_TYPE = /^(\*|org\.sirbi\.[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

/** The subscription's status in words: delivering, or stopped with the gateway's reason. */
export function SubscriptionStatus({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation("admin");
  const format = useFormat();
  if (subscription.active) return <span className="badge admin-badge--on">{t("webhooks.enabled")}</span>;
  return (
    <>
      <span className="badge admin-badge--off">{t("webhooks.disabled")}</span>
      {subscription.disabled_at ? (
        <>
          {" "}
          <span className="muted">{t("webhooks.since", { date: format.dateTime(subscription.disabled_at) })}</span>
        </>
      ) : null}
      {subscription.disabled_reason ? (
        <>
          <br />
          {t("webhooks.reason", { reason: subscription.disabled_reason })}
        </>
      ) : null}
    </>
  );
}

/** Who owns a subscription, by name: the gateway gives the owner's subject (`client:<id>` for an
 *  integration client, a user's id for the secretariat), which the lists the secretariat may read
 *  turn into a client's name or a person's email; anything unknown stays as the subject. */
export function useOwnerName() {
  const clients = useClients();
  const users = useUsers();
  return (owner: string) => {
    const client = clients.data?.find((c) => `client:${c.id}` === owner);
    return client?.name ?? users.data?.find((u) => u.id === owner)?.email ?? owner;
  };
}

/** The subscription's country filter in words: the countries, or every one. */
export function useCountryFilter() {
  const { t } = useTranslation("admin");
  const format = useFormat();
  return (countries: string[]) =>
    countries.length === 0 ? t("webhooks.allCountries") : countries.map(format.country).join(", ");
}

function NewSubscriptionForm() {
  const { t } = useTranslation("admin");
  const id = useId();
  const format = useFormat();
  const stateName = useStateName();
  const states = useMemberStates();
  const create = useCreateSubscription();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [eventTypes, setEventTypes] = useState("");
  const [countries, setCountries] = useState<string[]>([]);
  const [mistake, setMistake] = useState<string | null>(null);
  const choices = [...(states.data ?? [])].sort((a, b) => stateName(a).localeCompare(stateName(b), format.locale));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const types = [...new Set(eventTypes.split(/[\s,]+/).filter(Boolean))];
    const wrong = types.find((type) => !EVENT_TYPE.test(type));
    const found =
      types.length === 0 ? t("webhooks.needsEventType") : wrong ? t("webhooks.badEventType", { value: wrong }) : null;
    setMistake(found);
    if (found) return;
    create.mutate(
      { url: url.trim(), event_types: types, countries, description: description.trim() },
      {
        onSuccess: () => {
          setUrl("");
          setDescription("");
          setEventTypes("");
          setCountries([]);
        },
      },
    );
  };

  return (
    <>
      {create.data ? (
        <ShownOnce
          heading={t("webhooks.secretHeading", { url: create.data.url })}
          label={t("webhooks.secret")}
          value={create.data.secret}
          onDismiss={() => create.reset()}
        />
      ) : null}
      <form className="card admin-form" aria-labelledby={`${id}-heading`} onSubmit={submit}>
        <h2 id={`${id}-heading`}>{t("webhooks.create")}</h2>
        <label htmlFor={`${id}-url`}>{t("webhooks.url")}</label>
        <input
          id={`${id}-url`}
          type="url"
          required
          placeholder="https://"
          aria-describedby={`${id}-url-help`}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p id={`${id}-url-help`} className="muted admin-help">
          {t("webhooks.urlHelp")}
        </p>
        <label htmlFor={`${id}-types`}>{t("webhooks.eventTypes")}</label>
        <textarea
          id={`${id}-types`}
          required
          rows={3}
          spellCheck={false}
          aria-describedby={`${id}-types-help`}
          value={eventTypes}
          onChange={(e) => setEventTypes(e.target.value)}
        />
        <p id={`${id}-types-help`} className="muted admin-help">
          {t("webhooks.eventTypesHelp")}
        </p>
        <fieldset className="admin-choices">
          <legend>{t("webhooks.countries")}</legend>
          <p className="muted admin-help">{t("webhooks.countriesHelp")}</p>
          <div className="admin-choices__options">
            {choices.map((state) => (
              <label key={state.code}>
                <input
                  type="checkbox"
                  checked={countries.includes(state.code)}
                  onChange={(e) =>
                    setCountries((current) =>
                      e.target.checked
                        ? [...current.filter((c) => c !== state.code), state.code]
                        : current.filter((c) => c !== state.code),
                    )
                  }
                />
                <span>{stateName(state)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label htmlFor={`${id}-description`}>{t("webhooks.description")}</label>
        <input
          id={`${id}-description`}
          type="text"
          maxLength={500}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <div className="admin-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t("webhooks.createSubmit")}
          </button>
        </div>
        {mistake ? (
          <p role="alert" className="problem">
            {mistake}
          </p>
        ) : null}
        <AdminProblem error={create.error} />
      </form>
    </>
  );
}

function SubscriptionList() {
  const { t } = useTranslation("admin");
  const format = useFormat();
  const countryFilter = useCountryFilter();
  const ownerName = useOwnerName();
  const subscriptions = useSubscriptions();
  return (
    <>
      <ProblemMessage error={subscriptions.error} />
      {subscriptions.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {subscriptions.data && subscriptions.data.length === 0 ? (
        <p className="muted">{t("common:common.none")}</p>
      ) : null}
      {subscriptions.data && subscriptions.data.length > 0 ? (
        <TableScroll label={t("webhooks.caption")}>
          <table>
            <caption className="visually-hidden">{t("webhooks.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("webhooks.url")}</th>
                <th scope="col">{t("webhooks.eventTypes")}</th>
                <th scope="col">{t("webhooks.countries")}</th>
                <th scope="col">{t("webhooks.status")}</th>
                <th scope="col">{t("webhooks.owner")}</th>
                <th scope="col">{t("webhooks.createdAt")}</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.data.map((subscription) => (
                <tr key={subscription.id}>
                  <th scope="row" className="admin-url">
                    <Link to={`/admin/webhooks/${subscription.id}`}>{subscription.url}</Link>
                    {subscription.description ? (
                      <>
                        <br />
                        <span className="muted">{subscription.description}</span>
                      </>
                    ) : null}
                  </th>
                  <td>
                    <ul className="admin-list">
                      {subscription.event_types.map((type) => (
                        <li key={type}>
                          <code>{type}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{countryFilter(subscription.countries)}</td>
                  <td>
                    <SubscriptionStatus subscription={subscription} />
                  </td>
                  <td className="admin-url">{ownerName(subscription.owner)}</td>
                  <td>{format.dateTime(subscription.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </>
  );
}

export function WebhooksPage() {
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("webhooks.title")}>
      <p className="muted">{t("webhooks.intro")}</p>
      <SubscriptionList />
      <NewSubscriptionForm />
    </AdminPage>
  );
}
