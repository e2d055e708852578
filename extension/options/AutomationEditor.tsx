import { useMemo } from "preact/hooks";
import type { AutomationSettings } from "../../shared/automation";
import type { AttributeDefinition } from "../../shared/catalog";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { AutomaticMessages } from "./AutomaticMessages";
import { sampleValues } from "./automation-preview";
import { BusinessHoursEditor } from "./BusinessHoursEditor";
import { ErrorAlert } from "./ErrorAlert";
import { LanguageSettings } from "./LanguageSettings";
import { tr } from "./strings";
import { useSettingsForm } from "./useSettingsForm";
import { useNow } from "./useNow";

/** One number's business hours and automatic messages as one form, saved together. */
export function AutomationEditor(props: {
  api: ConsoleClient;
  phoneNumberId: string;
  numberName: string;
  initial: AutomationSettings;
  attributes: AttributeDefinition[];
  noReplyMinutes: number | null | undefined;
  locale: Locale;
}) {
  const { settings, change, save, saved, busy, error } = useSettingsForm(props.initial, (next) => props.api.saveAutomation(props.phoneNumberId, next));
  // The previews ("open now", the next opening, {back at}) follow the clock.
  const now = useNow(15_000);
  const hours = settings.businessHours;
  const samples = useMemo(
    () => ({ zh: sampleValues(hours, props.numberName, now, "zh"), en: sampleValues(hours, props.numberName, now, "en") }),
    [hours, props.numberName, now],
  );

  return (
    <form class="automation form" onSubmit={save}>
      <BusinessHoursEditor hours={hours} onChange={(businessHours) => change({ businessHours })} now={now} locale={props.locale} />

      <section class="panel" aria-labelledby="messages-title">
        <h2 id="messages-title">{tr("options.automation.messages")}</h2>
        <LanguageSettings
          defaultLanguage={settings.defaultLanguage}
          languageAttribute={settings.languageAttribute}
          attributes={props.attributes}
          onChange={change}
          locale={props.locale}
        />
        <AutomaticMessages settings={settings} onChange={change} samples={samples} locale={props.locale} noReplyMinutes={props.noReplyMinutes} />
      </section>

      <ErrorAlert error={error} />
      <div class="form-actions sticky-actions">
        <p class="saved" role="status">
          {saved ? tr("options.automation.saved") : ""}
        </p>
        <button type="submit" disabled={busy}>
          {tr("options.automation.save")}
        </button>
      </div>
    </form>
  );
}
