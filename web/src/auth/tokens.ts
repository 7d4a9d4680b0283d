// Where the signed-in session lives. The access token stays in memory only; the refresh token
// is kept in sessionStorage so a reload in the same tab keeps the person signed in, and closing
// the tab ends it (ADR 0016). Each refresh token is used once: the gateway hands back a new pair.

const REFRESH_KEY = "sirbi.refresh";

type Listener = (signedIn: boolean) => void;

class TokenStore {
  private access: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<Listener>();

  get accessToken(): string | null {
    return this.access;
  }

  get hasSession(): boolean {
    return this.access !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
  }

  keep(pair: { access_token: string; refresh_token: string }): void {
    this.access = pair.access_token;
    sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
    this.listeners.forEach((l) => l(true));
  }

  clear(): string | null {
    const refresh = sessionStorage.getItem(REFRESH_KEY);
    this.access = null;
    sessionStorage.removeItem(REFRESH_KEY);
    this.listeners.forEach((l) => l(false));
    return refresh;
  }

  /** Trade the refresh token for a new pair; concurrent callers share one exchange. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.exchange().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async exchange(): Promise<boolean> {
    const refresh_token = sessionStorage.getItem(REFRESH_KEY);
    if (refresh_token === null) return false;
    const response = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token }),
    });
    if (!response.ok) {
      this.clear();
      return false;
    }
    this.keep(await response.json());
    return true;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const tokens = new TokenStore();
