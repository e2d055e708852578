import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { SignIn } from "../components/SignIn";
import { useSession } from "../components/useSession";
import { ApiClient, ApiError } from "../lib/api";
import { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { AttributesPage } from "./AttributesPage";
import { AuditPage } from "./AuditPage";
import { AutomationPage } from "./AutomationPage";
import { BoardPage } from "./BoardPage";
import { CannedPage } from "./CannedPage";
import { DataPage } from "./DataPage";
import { FloorPage } from "./FloorPage";
import { MyCannedPage } from "./MyCannedPage";
import { NumbersPage } from "./NumbersPage";
import { PeoplePage } from "./PeoplePage";
import { ProfilePage } from "./ProfilePage";
import { ReportsPage } from "./ReportsPage";
import { ReviewPage } from "./ReviewPage";
import { RulesPage } from "./RulesPage";
import { resolveSection, routePath, sectionPart, sectionsFor, type Section } from "./sections";
import { tr } from "./strings";
import { TagsPage } from "./TagsPage";
import { TeamsPage } from "./TeamsPage";
import { UnreadablePage } from "./UnreadablePage";

/** The options page: the supervisors' console (and, for an agent, their own profile and canned responses). */
export function OptionsApp() {
  const { session, me, locale, changeLocale, updateMe, signedIn, signOut } = useSession();
  // The console's API client checks, on any 401, whether the session itself has ended (a wrong current password
  // is also a 401, and must not sign anyone out).
  const api = useMemo(() => {
    if (!session) return null;
    const check = new ApiClient(session.serverUrl, session.token);
    return new ConsoleClient(session.serverUrl, session.token, () =>
      check.me().catch((e: unknown) => e instanceof ApiError && e.status === 401 && void signOut()),
    );
  }, [session?.token]);

  if (session === undefined) return null;
  if (!session || !me || !api) return <SignIn locale={locale} onLocale={changeLocale} onSignedIn={signedIn} />;
  return <Console key={session.token} api={api} me={me} locale={locale} onLocale={changeLocale} onMe={updateMe} onSignOut={signOut} />;
}

function Console(props: { api: ConsoleClient; me: Me; locale: Locale; onLocale: (l: Locale) => void; onMe: (me: Me) => void; onSignOut: () => void }) {
  const role = props.me.agent.role;
  const [section, setSection] = useState<Section>(resolveSection(location.hash, role));
  // What follows the section in the address (#review/<number>/<conversation>).
  const [path, setPath] = useState(routePath(location.hash));

  useEffect(() => {
    const follow = () => {
      setSection(resolveSection(location.hash, role));
      setPath(routePath(location.hash));
    };
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, [role]);

  const firstSection = useRef(true);
  useEffect(() => {
    // The address may have changed between the first render and the listener above starting.
    const asked = resolveSection(location.hash, role);
    if (asked !== section) return setSection(asked);
    // The address always names the section shown, also when the one asked for is not this person's; what follows
    // the section (a report's filters, the conversation reviewed) stays.
    if (sectionPart(location.hash) !== section) history.replaceState(null, "", `#${section}`);
    // After a click in the navigation, a screen reader lands on the new section's title.
    if (!firstSection.current) document.getElementById("section-title")?.focus();
    firstSection.current = false;
  }, [section]);
  useEffect(() => {
    document.title = `${tr(`options.nav.${section}`)} · ${tr("options.title")}`;
  }, [section, props.locale]);

  async function signOut() {
    await props.api.signOut().catch(() => undefined);
    props.onSignOut();
  }

  const page = { api: props.api, me: props.me };
  return (
    <div class="console">
      <header class="bar console-bar">
        <p class="console-brand">{tr("options.title")}</p>
        <span class="console-me">
          {props.me.agent.name} · {tr(`options.role.${role}`)}
        </span>
        <LanguageSwitch locale={props.locale} onLocale={props.onLocale} />
        <button type="button" class="link" onClick={() => void signOut()}>
          {tr("options.signOut")}
        </button>
      </header>
      <div class="console-body">
        <nav class="console-nav" aria-label={tr("options.nav.label")}>
          <ul>
            {sectionsFor(role).map((s) => (
              <li>
                <a href={`#${s}`} aria-current={s === section ? "page" : undefined}>
                  {tr(`options.nav.${s}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main class="console-main">
          <h1 id="section-title" tabIndex={-1}>
            {tr(`options.nav.${section}`)}
          </h1>
          {section === "floor" && <FloorPage {...page} onSignOut={props.onSignOut} />}
          {section === "live" && <BoardPage {...page} onSignOut={props.onSignOut} />}
          {section === "reports" && <ReportsPage {...page} locale={props.locale} />}
          {section === "review" && <ReviewPage key={path.join("/")} {...page} phoneNumberId={path[0]} conversationId={path[1]} />}
          {section === "numbers" && <NumbersPage {...page} />}
          {section === "unreadable" && <UnreadablePage {...page} />}
          {section === "people" && <PeoplePage {...page} />}
          {section === "teams" && <TeamsPage {...page} />}
          {section === "rules" && <RulesPage {...page} locale={props.locale} />}
          {section === "automation" && <AutomationPage {...page} locale={props.locale} />}
          {section === "tags" && <TagsPage {...page} />}
          {section === "attributes" && <AttributesPage {...page} />}
          {section === "canned" && <CannedPage {...page} />}
          {section === "audit" && <AuditPage {...page} />}
          {section === "data" && <DataPage {...page} />}
          {section === "profile" && <ProfilePage {...page} locale={props.locale} onLocale={props.onLocale} onMe={props.onMe} />}
          {section === "mine" && <MyCannedPage {...page} />}
        </main>
      </div>
    </div>
  );
}
