import { useId } from "preact/hooks";
import type { LocalizedText } from "../../shared/automation";
import { fillAutomationText, type AutomationLanguage } from "../../shared/automation-text";
import type { Locale } from "../lib/i18n";
import { placeholderList, type PlaceholderSet, type SampleValues } from "./automation-preview";
import { tr } from "./strings";

const LANGUAGES: { language: AutomationLanguage; label: "options.automation.textZh" | "options.automation.textEn"; lang: string }[] = [
  { language: "zh", label: "options.automation.textZh", lang: "zh-CN" },
  { language: "en", label: "options.automation.textEn", lang: "en" },
];

/**
 * One automatic text in 中文 and English, each with the line a customer would read (placeholders filled with
 * sample values), which its text area names as its description.
 */
export function LocalizedTextField(props: {
  /** "Welcome text": each area is "Welcome text (中文)" / "Welcome text (English)". */
  name: string;
  value: LocalizedText;
  onChange: (value: LocalizedText) => void;
  samples: Record<AutomationLanguage, SampleValues>;
  placeholders: PlaceholderSet;
  locale: Locale;
}) {
  const base = useId();
  const hint = `${base}-hint`;
  return (
    <div class="localized-text">
      <p id={hint} class="muted">
        {tr("options.automation.placeholders", { list: placeholderList(props.placeholders, props.locale) })}
      </p>
      <div class="text-pair">
        {LANGUAGES.map(({ language, label, lang }) => {
          const preview = `${base}-${language}`;
          const rendered = fillAutomationText(props.value[language], props.samples[language]);
          return (
            <div class="text-language">
              <label class="stacked">
                {tr(label, { name: props.name })}
                <textarea
                  lang={lang}
                  rows={3}
                  maxLength={1024}
                  aria-describedby={`${preview} ${hint}`}
                  value={props.value[language]}
                  onInput={(e) => props.onChange({ ...props.value, [language]: e.currentTarget.value })}
                />
              </label>
              <p id={preview} class="text-preview">
                <span class="preview-label">{tr("options.automation.textPreview")}</span>{" "}
                {rendered ? <span lang={lang}>{rendered}</span> : <span class="muted">{tr("options.automation.emptyText")}</span>}
              </p>
            </div>
          );
        })}
      </div>
    </div>
  );
}
