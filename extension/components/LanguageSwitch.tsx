import { t, type Locale } from "../lib/i18n";
import { usePickedLocale } from "./usePickedLocale";

export function LanguageSwitch(props: { locale: Locale; onLocale: (l: Locale) => void }) {
  const [shown, pick] = usePickedLocale(props.locale, props.onLocale);
  return (
    <label class="language">
      <span class="visually-hidden">{t("language")}</span>
      <select value={shown} onChange={(e) => pick((e.currentTarget as HTMLSelectElement).value as Locale)}>
        <option value="zh">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
