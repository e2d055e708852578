import { useState } from "preact/hooks";
import { browser } from "wxt/browser";
import type { Me } from "../../shared/people";
import { ApiClient, ApiError } from "../lib/api";
import { t, type Locale } from "../lib/i18n";
import { lastServerItem, type StoredSession } from "../lib/session-store";
import { LanguageSwitch } from "./LanguageSwitch";
import { usePrefilled } from "./usePrefilled";

const LOCAL = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/;

export function SignIn(props: { locale: Locale; onLocale: (l: Locale) => void; onSignedIn: (s: StoredSession, me: Me) => void }) {
  // The last server signed in to, unless the agent has typed one before storage answered.
  const { value: serverUrl, set: setServerUrl } = usePrefilled(() => lastServerItem.getValue(), "");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const origin = serverUrl.trim().replace(/\/+$/, "");
    // Asked inside the click, before any await, or the browser refuses the prompt.
    const permission = LOCAL.test(origin)
      ? Promise.resolve(true)
      : browser.permissions.request({ origins: [`${origin}/*`] }).catch(() => false);
    setBusy(true);
    setError(null);
    try {
      if (!(await permission)) throw new Error(t("signIn.permissionDenied"));
      const session = await new ApiClient(origin).signIn(email.trim(), password);
      await lastServerItem.setValue(origin);
      props.onSignedIn({ serverUrl: origin, token: session.token }, { agent: session.agent, numbers: session.numbers });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 0 ? t("error.network") : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <header class="bar">
        <h1>{t("signIn.title")}</h1>
        <LanguageSwitch locale={props.locale} onLocale={props.onLocale} />
      </header>
      <form onSubmit={submit}>
        <label>
          {t("signIn.server")}
          <input type="url" required value={serverUrl} onInput={(e) => setServerUrl(e.currentTarget.value)} />
        </label>
        <label>
          {t("signIn.email")}
          <input type="email" required autoComplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t("signIn.password")}
          <input
            type="password"
            required
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t("signIn.busy") : t("signIn.submit")}
        </button>
      </form>
    </main>
  );
}
