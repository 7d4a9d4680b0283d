// The region at a glance: the figures every service keeps, the member states in a chart, and
// what is happening now. The figures are refreshed whenever the live feed brings something new.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { useLiveActivity } from "../../live/useActivity";
import { useMemberStates } from "../member-states/queries";
import { ActivityFeed } from "./ActivityFeed";
import { MemberStatesChart } from "./MemberStatesChart";
import { useDashboard, type Dashboard } from "./queries";
import "./dashboard.css";

type Breakdown = { title: string; total: number; caption?: string; parts: [string, number][] };

function FigureCard({ title, total, caption, parts }: Breakdown) {
  const format = useFormat();
  return (
    <section className="card" aria-label={title}>
      <h3 style={{ marginTop: 0 }}>{title}</h3>
      <p style={{ fontSize: "2rem", margin: 0, fontWeight: 700 }}>{format.number(total)}</p>
      {caption ? <p className="muted" style={{ marginTop: 0 }}>{caption}</p> : null}
      {parts.length > 0 ? (
        <dl className="figure-parts">
          {parts.map(([label, count]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{format.number(count)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

function useBreakdowns(figures: Dashboard): Breakdown[] {
  const { t } = useTranslation("dashboard");
  const labelled = (group: string, counts: Record<string, number>): [string, number][] =>
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([key, count]) => [t(`${group}.${key}`, { defaultValue: key }), count]);
  return [
    {
      title: t("figures.memberStates"),
      total: figures.member_states.total,
      parts: labelled("memberStatus", figures.member_states.by_status),
    },
    {
      title: t("figures.agreementsInForce"),
      total: figures.agreements.by_status.in_force ?? 0,
      caption: t("figures.agreementsTotal", { total: figures.agreements.total }),
      parts: labelled("agreementStatus", figures.agreements.by_status),
    },
    {
      title: t("figures.actions"),
      total: figures.actions.total,
      parts: labelled("actionStatus", figures.actions.by_status),
    },
    {
      title: t("figures.libraries"),
      total: figures.libraries.total,
      parts: labelled("libraryType", figures.libraries.by_type),
    },
    { title: t("figures.networks"), total: figures.networks.total, parts: [] },
    { title: t("figures.workingGroups"), total: figures.working_groups.total, parts: [] },
  ];
}

function Figures({ figures }: { figures: Dashboard }) {
  const { t } = useTranslation("dashboard");
  const breakdowns = useBreakdowns(figures);
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">{t("figures.heading")}</h2>
      <div className="grid">
        {breakdowns.map((breakdown) => (
          <FigureCard key={breakdown.title} {...breakdown} />
        ))}
      </div>
      <p className="muted">{t("asOf", { position: figures.as_of })}</p>
    </section>
  );
}

export function DashboardPage() {
  const { t } = useTranslation("dashboard");
  const dashboard = useDashboard();
  const memberStates = useMemberStates();
  const activity = useLiveActivity(15);
  const client = useQueryClient();
  const newest = activity.items[0]?.id;

  useEffect(() => {
    if (newest !== undefined) void client.invalidateQueries({ queryKey: ["dashboard"] });
  }, [newest, client]);

  return (
    <>
      <h1>{t("title")}</h1>
      <ProblemMessage error={dashboard.error ?? memberStates.error} />
      {dashboard.data ? <Figures figures={dashboard.data} /> : <p className="loading">{t("common:common.loading")}</p>}
      <div className="grid dashboard-columns">
        {dashboard.data && memberStates.data ? (
          <MemberStatesChart memberStates={memberStates.data} librariesByCountry={dashboard.data.libraries.by_country} />
        ) : null}
        <ActivityFeed {...activity} />
      </div>
    </>
  );
}
