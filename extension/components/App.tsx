import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import { ApiClient, ApiError } from "../lib/api";
import { getLocale, setLocale, type Locale } from "../lib/i18n";
import { localeItem, sessionItem, type StoredSession } from "../lib/session-store";
import { Inbox } from "./Inbox";
import { SignIn } from "./SignIn";

/** The side panel: sign-in until there is a session, then the agent's inbox. */
export function App() {
  const [session, setSession] = useState<StoredSession | null | undefined>(undefined);
  const [me, setMe] = useState<Me | null>(null);
  const [locale, setLocaleState] = useState<Locale>(getLocale());

  useEffect(() => {
    void localeItem.getValue().then((saved) => saved && changeLocale(saved));
    void sessionItem.getValue().then(setSession);
  }, []);

  useEffect(() => {
    if (!session) return setMe(null);
    // Offline, the panel opens with who signed in last time; the server's answer replaces it.
    if (session.me) setMe(session.me);
    new ApiClient(session.serverUrl, session.token)
      .me()
      .then((fresh) => {
        setMe(fresh);
        void sessionItem.setValue({ ...session, me: fresh });
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) void signOut();
      });
  }, [session]);

  function changeLocale(next: Locale) {
    setLocale(next);
    setLocaleState(next);
    void localeItem.setValue(next);
  }

  async function signOut() {
    await sessionItem.setValue(null);
    setSession(null);
  }

  if (session === undefined) return null;
  if (!session || !me) {
    return (
      <SignIn
        locale={locale}
        onLocale={changeLocale}
        onSignedIn={(stored, who) => {
          void sessionItem.setValue({ ...stored, me: who });
          setMe(who);
          setSession(stored);
        }}
      />
    );
  }
  return (
    <Inbox
      key={session.token}
      api={new ApiClient(session.serverUrl, session.token)}
      me={me}
      locale={locale}
      onLocale={changeLocale}
      onMe={(next) => {
        setMe(next);
        void sessionItem.setValue({ ...session, me: next });
      }}
      onSignOut={signOut}
    />
  );
}
