import { useEffect, useRef, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import { ApiClient, ApiError } from "../lib/api";
import { getLocale, setLocale, type Locale } from "../lib/i18n";
import { localeItem, sessionItem, type StoredSession } from "../lib/session-store";

/**
 * Who is signed in, shared by the side panel and the options page through the extension's storage: signing in
 * or out in one shows in the other. `session` is undefined until storage has answered; a page that read it before
 * its first render passes it as `initial`, and then opens straight on the inbox with who signed in last time.
 */
export function useSession(initial?: StoredSession | null) {
  const [session, setSession] = useState<StoredSession | null | undefined>(initial);
  const [me, setMe] = useState<Me | null>(initial?.me ?? null);
  const [locale, setLocaleState] = useState<Locale>(getLocale());
  /** Bumped by every local change of `me`: a slower answer to an earlier GET /me must not undo it (Available → Away). */
  const changes = useRef(0);

  useEffect(() => {
    // Only a different token is news: storing a fresher `me` must not re-run the check below. (Read again even
    // with `initial`: a sign-in or out between that read and this watch would otherwise go unseen.)
    const apply = (next: StoredSession | null) => setSession((current) => (current !== undefined && next?.token === current?.token ? current : next));
    void sessionItem.getValue().then(apply);
    return sessionItem.watch(apply);
  }, []);

  useEffect(() => {
    if (!session) return setMe(null);
    // Offline, the page opens with who signed in last time; the server's answer replaces it.
    if (session.me) setMe(session.me);
    const asked = changes.current;
    new ApiClient(session.serverUrl, session.token)
      .me()
      .then((fresh) => asked === changes.current && updateMe(fresh))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) void signOut();
      });
  }, [session]);

  /** The page's entry applied the saved language before the first render; a switch re-renders once its dictionary is in. */
  function changeLocale(next: Locale) {
    void setLocale(next).then((inForce) => {
      // Picked again meanwhile: the later pick re-renders and is saved.
      if (!inForce) return;
      setLocaleState(next);
      void localeItem.setValue(next);
    });
  }

  function updateMe(next: Me) {
    changes.current++;
    setMe(next);
    void sessionItem.getValue().then((stored) => stored && sessionItem.setValue({ ...stored, me: next }));
  }

  function signedIn(stored: StoredSession, who: Me) {
    void sessionItem.setValue({ ...stored, me: who });
    setMe(who);
    setSession(stored);
  }

  async function signOut() {
    await sessionItem.setValue(null);
    setSession(null);
  }

  return { session, me, locale, changeLocale, updateMe, signedIn, signOut };
}
