import { render } from "preact";
import { OptionsApp } from "../../options/OptionsApp";
import "../../components/panel.css";
import "../../options/options.css";
import { getLocale, setLocale } from "../../lib/i18n";
import { localeItem } from "../../lib/session-store";

// The reader's dictionary before the first paint: no English flashes on a 中文 page.
void localeItem
  .getValue()
  .then((saved) => setLocale(saved ?? getLocale()))
  .then(() => render(<OptionsApp />, document.getElementById("app")!));
