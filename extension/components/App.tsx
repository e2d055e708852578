import { ApiClient } from "../lib/api";
import type { StoredSession } from "../lib/session-store";
import { Inbox } from "./Inbox";
import { SignIn } from "./SignIn";
import { useSession } from "./useSession";

/** The side panel: sign-in until there is a session, then the agent's inbox. `initial`: the stored session, read before the first render. */
export function App(props: { initial?: StoredSession | null }) {
  const { session, me, locale, changeLocale, updateMe, signedIn, signOut } = useSession(props.initial);

  if (session === undefined) return null;
  if (!session || !me) return <SignIn locale={locale} onLocale={changeLocale} onSignedIn={signedIn} />;
  return (
    <Inbox
      key={session.token}
      api={new ApiClient(session.serverUrl, session.token)}
      me={me}
      locale={locale}
      onLocale={changeLocale}
      onMe={updateMe}
      onSignOut={signOut}
    />
  );
}
