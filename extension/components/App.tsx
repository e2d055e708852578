import { ApiClient } from "../lib/api";
import { Inbox } from "./Inbox";
import { SignIn } from "./SignIn";
import { useSession } from "./useSession";

/** The side panel: sign-in until there is a session, then the agent's inbox. */
export function App() {
  const { session, me, locale, changeLocale, updateMe, signedIn, signOut } = useSession();

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
