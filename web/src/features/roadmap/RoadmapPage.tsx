// The regional roadmap: its strategic lines, and the working groups that carry it out, each with
// a way to its board.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { useGroups, useRoadmaps } from "./queries";

export function RoadmapPage() {
  const { t } = useTranslation("roadmap");
  const format = useFormat();
  const roadmaps = useRoadmaps();
  const groups = useGroups();
  return (
    <>
      <h1>{t("title")}</h1>
      <ProblemMessage error={roadmaps.error ?? groups.error} />
      {roadmaps.isPending || groups.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {(roadmaps.data ?? []).map((roadmap) => (
        <section key={roadmap.id} className="card" aria-labelledby={`roadmap-${roadmap.id}`}>
          <h2 id={`roadmap-${roadmap.id}`} style={{ marginTop: 0 }}>
            {roadmap.title}
          </h2>
          <p className="muted">
            {roadmap.code} · {t("period", { from: format.date(roadmap.starts_on), to: format.date(roadmap.ends_on) })}
          </p>
          <p>{roadmap.description}</p>
          <h3>{t("lines")}</h3>
          <ol>
            {roadmap.lines.map((line) => (
              <li key={line.id}>
                <strong>{line.code}</strong> — {line.title}
              </li>
            ))}
          </ol>
        </section>
      ))}
      {groups.data ? (
        <section aria-labelledby="groups-heading">
          <h2 id="groups-heading">{t("groups")}</h2>
          <div className="grid">
            {groups.data.map((group) => (
              <article key={group.id} className="card" aria-labelledby={`group-${group.id}`}>
                <h3 id={`group-${group.id}`} style={{ marginTop: 0 }}>
                  <Link to={`/roadmap/groups/${group.id}`}>{group.name}</Link>
                </h3>
                <p className="muted">
                  {t("coordinator", {
                    name: group.coordinator.name,
                    country: format.country(group.coordinator.country),
                  })}
                </p>
                <p>
                  <strong>{t("countries")}:</strong> {group.countries.map(format.country).join(", ")}
                </p>
                <p>
                  <strong>{t("areas")}:</strong>{" "}
                  {group.areas.map((area) => t(`agreements:areas.${area}`, { defaultValue: area })).join(", ")}
                </p>
              </article>
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}
