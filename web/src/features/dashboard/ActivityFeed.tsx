// What is happening on the platform, as it happens: the feed's latest page, then each event the
// live stream brings, without reloading. The connection state is said in words, not by colour.
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import type { ActivityItem, StreamState } from "../../live/activityStream";

/** The event's kind in the interface's language; the server's English title when it is new to us. */
export function useEventLabel() {
  const { t, i18n } = useTranslation("dashboard");
  return (item: ActivityItem): { kind: string; name: string } => {
    const key = `events.${item.aggregate}.${item.verb}`;
    // The server's title is "<Kind>: <name>"; the name is the record's own, so it stays as it is.
    const separator = item.title.indexOf(": ");
    const name = separator >= 0 ? item.title.slice(separator + 2) : "";
    return { kind: i18n.exists(key, { ns: "dashboard" }) ? t(key) : item.title, name };
  };
}

export function ActivityFeed({ items, state, error }: { items: ActivityItem[]; state: StreamState; error: unknown }) {
  const { t } = useTranslation("dashboard");
  const format = useFormat();
  const label = useEventLabel();
  return (
    <section className="card" aria-labelledby="activity-heading">
      <h2 id="activity-heading">
        {t("feed.heading")} <span className="badge">{t(`feed.${state}`)}</span>
      </h2>
      <ProblemMessage error={error} />
      <ul className="feed" aria-live="polite" aria-relevant="additions" data-testid="activity-feed">
        {items.map((item) => {
          const { kind, name } = label(item);
          return (
            <li key={item.id}>
              <strong>{kind}</strong>
              {name ? `: ${name}` : ""}
              <br />
              <span className="muted">
                <time dateTime={item.occurred_at}>{format.dateTime(item.occurred_at)}</time>
                {item.countries.length > 0 ? ` · ${item.countries.map(format.country).join(", ")}` : ""}
              </span>
            </li>
          );
        })}
      </ul>
      {items.length === 0 && error === null ? <p className="muted">{t("feed.empty")}</p> : null}
    </section>
  );
}
