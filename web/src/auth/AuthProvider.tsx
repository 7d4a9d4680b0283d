// Who is signed in, for the whole app: sign-in, sign-out, and what the person's roles allow the
// interface to offer. The server still decides every request; this only hides what would fail.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { api } from "../api/client";
import { unwrap } from "../api/problem";
import type { components } from "../api/schema";
import { tokens } from "./tokens";

export type Principal = components["schemas"]["Me"];
export type Role = components["schemas"]["Role"];

type AuthState = {
  status: "checking" | "signed-out" | "signed-in";
  principal: Principal | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** The person has one of these roles. */
  hasRole: (...roles: Role[]) => boolean;
  /** The person may change data of this country: the secretariat, or its representative. */
  mayEditCountry: (country: string | null | undefined) => boolean;
};

const AuthContext = createContext<AuthState | null>(null);

async function whoAmI(): Promise<Principal> {
  return unwrap(await api.GET("/api/auth/me"));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<Principal | null>(null);
  const [status, setStatus] = useState<AuthState["status"]>(tokens.hasSession ? "checking" : "signed-out");

  useEffect(() => {
    // A reload: the refresh token of this tab gives a new access token, then who this is.
    if (!tokens.hasSession) return;
    whoAmI()
      .then((p) => {
        setPrincipal(p);
        setStatus("signed-in");
      })
      .catch(() => {
        tokens.clear();
        setStatus("signed-out");
      });
  }, []);

  useEffect(
    () =>
      tokens.subscribe((signedIn) => {
        if (!signedIn) {
          setPrincipal(null);
          setStatus("signed-out");
        }
      }),
    [],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    tokens.keep(unwrap(await api.POST("/api/auth/login", { body: { email, password } })));
    setPrincipal(await whoAmI());
    setStatus("signed-in");
  }, []);

  const signOut = useCallback(async () => {
    const refresh_token = tokens.clear();
    if (refresh_token !== null) {
      await api.POST("/api/auth/logout", { body: { refresh_token } }).catch(() => undefined);
    }
  }, []);

  const value = useMemo<AuthState>(() => {
    const roles = new Set(principal?.roles ?? []);
    const hasRole = (...wanted: Role[]) => wanted.some((r) => roles.has(r));
    return {
      status,
      principal,
      signIn,
      signOut,
      hasRole,
      mayEditCountry: (country) =>
        hasRole("secretariat") ||
        (hasRole("representative") && !!country && principal?.country?.toUpperCase() === country.toUpperCase()),
    };
  }, [principal, status, signIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (state === null) throw new Error("useAuth outside <AuthProvider>");
  return state;
}
