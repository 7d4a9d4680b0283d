// The frame of every administration page: its heading and the sub-navigation between users,
// integration clients and webhooks. Only the secretariat gets the page itself (the gateway
// refuses everyone else anyway); the page's requests start only then.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import "./admin.css";

export function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation("admin");
  const { status, hasRole } = useAuth();
  if (status !== "signed-in") return <p className="loading">{t("common:common.loading")}</p>;
  if (!hasRole("secretariat")) {
    return (
      <>
        <h1>{t("common:nav.admin")}</h1>
        <p className="problem">{t("reserved")}</p>
      </>
    );
  }
  return (
    <>
      <h1>{title}</h1>
      <nav className="admin-nav" aria-label={t("nav.label")}>
        <ul>
          <li>
            <NavLink to="/admin/users">{t("nav.users")}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/clients">{t("nav.clients")}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/webhooks">{t("nav.webhooks")}</NavLink>
          </li>
        </ul>
      </nav>
      {children}
    </>
  );
}
