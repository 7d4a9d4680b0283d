// One member state as the whole platform knows it: membership (members), networks and
// representatives, directory figures, agreements and roadmap actions. The gateway gathers the
// parts from each service; a part whose service is down is marked, and the rest still shows.
import { useId, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import type { components } from "../../api/schema";
import { useAuth } from "../../auth/AuthProvider";
import { useFormat } from "../../i18n/format";
import { ProblemMessage } from "../../layout/ProblemMessage";
import { TableScroll } from "../../layout/TableScroll";
import { useStateName } from "./MemberStatesPage";
import { StatusChange } from "./StatusChange";
import { useCountryProfile, useRepresentatives, type MemberState, type Network } from "./queries";

type ProfilePart = components["schemas"]["ProfilePart"];
type Agreement = components["schemas"]["agreements.AgreementPublic"];
type Action = components["schemas"]["roadmap.ActionPublic"];
type DirectoryFigures = { total: number; by_status: Record<string, number>; by_type: Record<string, number> };

/** A part of the profile, or the note that its service could not be asked. */
function Part<T>({ part, heading, children }: { part: ProfilePart; heading: string; children: (data: T) => ReactNode }) {
  const { t } = useTranslation("memberStates");
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id} style={{ marginTop: 0 }}>
        {heading}
      </h2>
      {part.available ? (
        <>
          {children(part.data as T)}
          {part.more ? <p className="muted">{t("profile.more")}</p> : null}
        </>
      ) : (
        <p className="problem">{t("profile.unavailable", { service: part.service })}</p>
      )}
    </section>
  );
}

function Networks({ networks }: { networks: Network[] }) {
  const { t } = useTranslation("memberStates");
  if (networks.length === 0) return <p className="muted">{t("common:common.none")}</p>;
  return (
    <TableScroll label={t("profile.networks")}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("network.name")}</th>
            <th scope="col">{t("network.kind")}</th>
            <th scope="col">{t("network.status")}</th>
            <th scope="col">{t("network.governing")}</th>
          </tr>
        </thead>
        <tbody>
          {networks.map((n) => (
            <tr key={n.id}>
              <th scope="row">{n.official_name}</th>
              <td>{t(`network.kinds.${n.kind}`)}</td>
              <td>{t(`network.statuses.${n.status}`)}</td>
              <td>{n.governing_entity}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Representatives({ country }: { country: string }) {
  const { t } = useTranslation("memberStates");
  const representatives = useRepresentatives(country);
  return (
    <section className="card" aria-labelledby="representatives-heading">
      <h2 id="representatives-heading" style={{ marginTop: 0 }}>
        {t("profile.representatives")}
      </h2>
      <ProblemMessage error={representatives.error} />
      {representatives.data && representatives.data.items.length === 0 ? (
        <p className="muted">{t("common:common.none")}</p>
      ) : null}
      {representatives.data && representatives.data.items.length > 0 ? (
        <TableScroll label={t("profile.representatives")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("representative.name")}</th>
                <th scope="col">{t("representative.role")}</th>
                <th scope="col">{t("representative.position")}</th>
                <th scope="col">{t("representative.email")}</th>
              </tr>
            </thead>
            <tbody>
              {representatives.data.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.name}</th>
                  <td>{t(`representative.roles.${r.role}`)}</td>
                  <td>
                    {r.position}
                    {r.entity ? ` · ${r.entity}` : ""}
                  </td>
                  <td>{r.email ? <a href={`mailto:${r.email}`}>{r.email}</a> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

function Directory({ figures, country }: { figures: DirectoryFigures; country: string }) {
  const { t } = useTranslation("memberStates");
  const format = useFormat();
  return (
    <>
      <p style={{ fontSize: "1.4rem", margin: 0 }}>
        {t("profile.directoryTotal", { count: figures.total, figure: format.number(figures.total) })}
      </p>
      {Object.keys(figures.by_type).length > 0 ? (
        <ul>
          {Object.entries(figures.by_type).map(([type, count]) => (
            <li key={type}>
              {t(`dashboard:libraryType.${type}`, { defaultValue: type })}: {format.number(count)}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <Link to={`/libraries?country=${country}`}>{t("profile.openDirectory")}</Link>
      </p>
    </>
  );
}

function Agreements({ agreements }: { agreements: Agreement[] }) {
  const { t } = useTranslation("memberStates");
  if (agreements.length === 0) return <p className="muted">{t("common:common.none")}</p>;
  return (
    <ul>
      {agreements.map((a) => (
        <li key={a.id}>
          <Link to={`/agreements/${a.id}`}>{a.title}</Link> <span className="muted">{a.code}</span>{" "}
          <span className="badge">{t(`dashboard:agreementStatus.${a.status}`)}</span>
        </li>
      ))}
    </ul>
  );
}

function Actions({ actions }: { actions: Action[] }) {
  const { t } = useTranslation("memberStates");
  const format = useFormat();
  if (actions.length === 0) return <p className="muted">{t("common:common.none")}</p>;
  return (
    <ul>
      {actions.map((a) => (
        <li key={a.id}>
          <Link to={`/roadmap/actions/${a.id}`}>{a.title}</Link>{" "}
          <span className="badge">{t(`dashboard:actionStatus.${a.status}`)}</span>{" "}
          {a.overdue ? <span className="badge overdue">{t("profile.overdue")}</span> : null}{" "}
          <span className="muted">
            {t("action.due")}: {format.date(a.due_date)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function MemberStateProfilePage() {
  const { code = "" } = useParams();
  const { t } = useTranslation("memberStates");
  const format = useFormat();
  const name = useStateName();
  const { hasRole } = useAuth();
  const profile = useCountryProfile(code.toUpperCase());
  const data = profile.data;
  const state = data?.member_state.available ? (data.member_state.data as MemberState) : null;

  return (
    <>
      <p>
        <Link to="/member-states">{t("profile.back")}</Link>
      </p>
      <h1>{state ? name(state) : format.country(code)}</h1>
      <ProblemMessage error={profile.error} />
      {profile.isPending ? <p className="loading">{t("common:common.loading")}</p> : null}
      {data && !state ? <p className="problem">{t("profile.unavailable", { service: data.member_state.service })}</p> : null}
      {state ? (
        <p>
          <span className="badge">{t(`status.${state.status}`)}</span>{" "}
          {state.admitted_on ? t("profile.since", { date: format.date(state.admitted_on) }) : null}
          {state.status_reason ? (
            <>
              <br />
              {t("profile.reason", { reason: state.status_reason })}
            </>
          ) : null}
        </p>
      ) : null}
      {state && hasRole("secretariat") ? <StatusChange state={state} /> : null}
      {data ? (
        <div className="grid profile-parts">
          <Part<DirectoryFigures> part={data.directory} heading={t("profile.directory")}>
            {(figures) => <Directory figures={figures} country={data.code} />}
          </Part>
          <Representatives country={data.code} />
          <Part<Agreement[]> part={data.agreements} heading={t("profile.agreements")}>
            {(agreements) => <Agreements agreements={agreements} />}
          </Part>
          <Part<Action[]> part={data.actions} heading={t("profile.actions")}>
            {(actions) => <Actions actions={actions} />}
          </Part>
          <Part<Network[]> part={data.networks} heading={t("profile.networks")}>
            {(networks) => <Networks networks={networks} />}
          </Part>
        </div>
      ) : null}
    </>
  );
}
