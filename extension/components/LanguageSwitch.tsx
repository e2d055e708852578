import { t, type Locale } from "../lib/i18n";

export function LanguageSwitch({ locale, onLocale }: { locale: Locale; onLocale: (l: Locale) => void }) {
  return (
    <label class="language">
      <span class="visually-hidden">{t("language")}</span>
      <select value={locale} onChange={(e) => onLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        <option value="zh">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
