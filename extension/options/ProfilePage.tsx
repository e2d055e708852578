import { useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import { LanguageSwitch } from "../components/LanguageSwitch";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/** The signed-in person's own account: the name colleagues see, their password, the console's language. */
export function ProfilePage(props: { api: ConsoleClient; me: Me; locale: Locale; onLocale: (l: Locale) => void; onMe: (me: Me) => void }) {
  return (
    <>
      <NameForm api={props.api} me={props.me} onMe={props.onMe} />
      <PasswordForm api={props.api} />
      <section class="panel" aria-labelledby="language-title">
        <h2 id="language-title">{tr("options.profile.language")}</h2>
        <LanguageSwitch locale={props.locale} onLocale={props.onLocale} />
      </section>
    </>
  );
}

function NameForm(props: { api: ConsoleClient; me: Me; onMe: (me: Me) => void }) {
  const [name, setName] = useState(props.me.agent.name);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      props.onMe(await props.api.updateMe({ name: name.trim() }));
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="panel form" onSubmit={save} aria-labelledby="name-title">
      <h2 id="name-title">{tr("options.profile.account")}</h2>
      <dl class="facts">
        <dt>{tr("options.profile.email")}</dt>
        <dd>{props.me.agent.email}</dd>
        <dt>{tr("options.profile.role")}</dt>
        <dd>{tr(`options.role.${props.me.agent.role}`)}</dd>
      </dl>
      <label class="stacked">
        {tr("options.profile.name")}
        <input value={name} required maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <ErrorAlert error={error} />
      <p class="saved" role="status">
        {saved ? tr("options.profile.nameSaved") : ""}
      </p>
      <div class="form-actions">
        <button type="submit">{tr("options.profile.saveName")}</button>
      </div>
    </form>
  );
}

function PasswordForm(props: { api: ConsoleClient }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    if (next !== again) return setError(tr("options.profile.mismatch"));
    setError(null);
    try {
      await props.api.changePassword(current, next);
      setCurrent("");
      setNext("");
      setAgain("");
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="panel form" onSubmit={save} aria-labelledby="password-title">
      <h2 id="password-title">{tr("options.profile.password")}</h2>
      <label class="stacked">
        {tr("options.profile.currentPassword")}
        <input type="password" required autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </label>
      <label class="stacked">
        {tr("options.profile.newPassword")}
        <input type="password" required minLength={8} autoComplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </label>
      <label class="stacked">
        {tr("options.profile.repeatPassword")}
        <input type="password" required minLength={8} autoComplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
      </label>
      <ErrorAlert error={error} />
      <p class="saved" role="status">
        {saved ? tr("options.profile.passwordSaved") : ""}
      </p>
      <div class="form-actions">
        <button type="submit">{tr("options.profile.changePassword")}</button>
      </div>
    </form>
  );
}
