import { useId } from "preact/hooks";
import type { AutomationLanguage } from "../../shared/automation";
import type { AttributeDefinition } from "../../shared/catalog";
import type { Locale } from "../lib/i18n";
import { tr } from "./strings";

/** Which of the two texts a customer gets: the number's default, or what a contact attribute says. */
export function LanguageSettings(props: {
  defaultLanguage: AutomationLanguage;
  languageAttribute: string | null;
  attributes: AttributeDefinition[];
  onChange: (change: { defaultLanguage?: AutomationLanguage; languageAttribute?: string | null }) => void;
  locale: Locale;
}) {
  const hint = useId();
  const attribute = props.languageAttribute;
  // A deleted attribute is still shown as chosen; saving then says the server's sentence about it.
  const missing = attribute !== null && !props.attributes.some((a) => a.key === attribute);
  return (
    <div class="language-settings">
      <div class="form-grid">
        <label class="stacked">
          {tr("options.automation.defaultLanguage")}
          <select value={props.defaultLanguage} onChange={(e) => props.onChange({ defaultLanguage: e.currentTarget.value as AutomationLanguage })}>
            <option value="zh" lang="zh-CN">中文</option>
            <option value="en" lang="en">English</option>
          </select>
        </label>
        <label class="stacked">
          {tr("options.automation.languageAttribute")}
          <select value={attribute ?? ""} aria-describedby={hint} onChange={(e) => props.onChange({ languageAttribute: e.currentTarget.value || null })}>
            <option value="">{tr("options.automation.noAttribute")}</option>
            {props.attributes.map((a) => (
              <option value={a.key}>
                {props.locale === "zh" ? a.labelZh : a.labelEn} ({a.key})
              </option>
            ))}
            {missing && <option value={attribute}>{tr("options.automation.deletedAttribute", { key: attribute })}</option>}
          </select>
        </label>
      </div>
      <p id={hint} class="muted">
        {tr("options.automation.languageHint")}
      </p>
    </div>
  );
}
