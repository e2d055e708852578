import { render } from "preact";
import { App } from "../../components/App";
import "../../components/panel.css";
import { getLocale, setLocale } from "../../lib/i18n";
import { localeItem, sessionItem } from "../../lib/session-store";

// The reader's dictionary before the first paint: no English flashes in a 中文 panel. The session is read meanwhile,
// so the first render is already the inbox (from who signed in last time) and its lists are asked for at once.
void Promise.all([localeItem.getValue().then((saved) => setLocale(saved ?? getLocale())), sessionItem.getValue()]).then(([, session]) =>
  render(<App initial={session} />, document.getElementById("app")!),
);
