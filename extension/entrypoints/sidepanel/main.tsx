import { render } from "preact";
import { App } from "../../components/App";
import "../../components/panel.css";
import { getLocale, setLocale } from "../../lib/i18n";
import { localeItem } from "../../lib/session-store";

// The reader's dictionary before the first paint: no English flashes in a 中文 panel.
void localeItem
  .getValue()
  .then((saved) => setLocale(saved ?? getLocale()))
  .then(() => render(<App />, document.getElementById("app")!));
