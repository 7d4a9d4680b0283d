import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ProblemMessage } from "../layout/ProblemMessage";
import { LanguageSwitch } from "../layout/LanguageSwitch";
import { useAuth } from "./AuthProvider";

export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <div className="sign-in__card">
        <p className="brand">{t("app.name")}</p>
        <p className="muted">{t("app.tagline")}</p>
        <h1>{t("auth.title")}</h1>
        <form onSubmit={submit} aria-busy={busy}>
          <label htmlFor="email">{t("auth.email")}</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <label htmlFor="password">{t("auth.password")}</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ProblemMessage error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("auth.signingIn") : t("auth.submit")}
          </button>
        </form>
        <LanguageSwitch />
      </div>
    </main>
  );
}
