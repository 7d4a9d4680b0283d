// The frame of every page once signed in: skip link, header with the navigation the person's
// roles call for, language and sign-out, and the page itself in <main>.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { LanguageSwitch } from "./LanguageSwitch";

export function Layout() {
  const { t } = useTranslation();
  const { principal, hasRole, signOut } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const links = [
    { to: "/", label: t("nav.dashboard"), end: true },
    { to: "/member-states", label: t("nav.memberStates") },
    { to: "/libraries", label: t("nav.directory") },
    { to: "/agreements", label: t("nav.agreements") },
    { to: "/roadmap", label: t("nav.roadmap") },
    ...(hasRole("secretariat") ? [{ to: "/admin", label: t("nav.admin") }] : []),
  ];
  const role = principal?.roles?.[0];
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <div className="site-header__bar">
          <NavLink to="/" className="brand">
            {t("app.name")}
          </NavLink>
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            {t("nav.menu")}
          </button>
        </div>
        <nav id="main-nav" aria-label={t("nav.label")} className={menuOpen ? "open" : undefined}>
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.end} onClick={() => setMenuOpen(false)}>
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="site-header__session">
          <LanguageSwitch />
          <span className="muted" data-testid="who">
            {t("auth.signedInAs", { name: principal?.display_name ?? principal?.email ?? principal?.subject ?? "" })}
            {role ? ` · ${t(`roles.${role}`)}` : ""}
            {principal?.country ? ` · ${principal.country}` : ""}
          </span>
          <button type="button" onClick={() => void signOut()}>
            {t("auth.signOut")}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
