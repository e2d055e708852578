import type { Me } from "../../shared/people";
import { ATTENTION_KINDS, DEFAULT_ATTENTION, WAIT_TARGET_MS, type AttentionSettings } from "../lib/attention-policy";
import { t, type Locale } from "../lib/i18n";
import { attentionItem } from "../lib/session-store";
import { ArrowLeft, LogOut } from "./icons";
import { usePickedLocale } from "./usePickedLocale";
import { usePrefilled } from "./usePrefilled";

/**
 * The agent's own settings, away from the work: language, which notifications (they come from the background, panel
 * open or closed), sound, quiet hours, and whether closing the panel sets them Away. Saved as they change.
 */
export function Settings(props: { me: Me; locale: Locale; onLocale: (locale: Locale) => void; onBack: () => void; onSignOut: () => void }) {
  // Every change writes the whole record, so the controls wait for the saved one: a change made on the defaults
  // would put back every other setting the agent had changed.
  const { value: settings, set: setSettings, loaded } = usePrefilled(() => attentionItem.getValue(), DEFAULT_ATTENTION);
  const [shownLocale, pickLocale] = usePickedLocale(props.locale, props.onLocale);
  function save(next: AttentionSettings) {
    setSettings(next);
    void attentionItem.setValue(next);
  }
  const quiet = settings.quietHours;
  const time = (which: "from" | "to", label: string) => (
    <input
      type="time"
      aria-label={label}
      value={quiet[which]}
      disabled={!quiet.enabled}
      onChange={(e) => save({ ...settings, quietHours: { ...quiet, [which]: e.currentTarget.value } })}
    />
  );

  return (
    <section class="settings" aria-labelledby="settings-title">
      <header class="bar">
        <button type="button" class="back icon-button" aria-label={t("settings.back")} onClick={props.onBack}>
          <ArrowLeft />
        </button>
        <h2 id="settings-title">{t("settings.open")}</h2>
      </header>
      <div class="settings-body">
        <fieldset>
          <legend>{t("settings.language")}</legend>
          <div class="segmented" role="radiogroup" aria-label={t("settings.language")}>
            {(["zh", "en"] as const).map((locale) => (
              <label>
                <input type="radio" name="locale" checked={shownLocale === locale} onChange={() => pickLocale(locale)} />
                {locale === "zh" ? "中文" : "English"}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset disabled={!loaded}>
          <legend>{t("settings.notifications")}</legend>
          <p class="hint">{t("settings.notificationsHint")}</p>
          {ATTENTION_KINDS.map((kind) => (
            <label class="checkbox">
              <input type="checkbox" checked={settings.kinds[kind]} onChange={(e) => save({ ...settings, kinds: { ...settings.kinds, [kind]: e.currentTarget.checked } })} />
              {t(`settings.kind.${kind}`, { minutes: WAIT_TARGET_MS / 60_000 })}
            </label>
          ))}
          <label class="checkbox">
            <input type="checkbox" checked={settings.sound} onChange={(e) => save({ ...settings, sound: e.currentTarget.checked })} />
            {t("settings.sound")}
          </label>
        </fieldset>
        <fieldset disabled={!loaded}>
          <legend>{t("settings.quiet")}</legend>
          <div class="quiet-hours">
            <label class="checkbox">
              <input type="checkbox" checked={quiet.enabled} onChange={(e) => save({ ...settings, quietHours: { ...quiet, enabled: e.currentTarget.checked } })} />
              {t("settings.quietOn")}
            </label>
            {time("from", `${t("settings.quiet")} ${t("settings.quietOn")}`)}
            <span>{t("settings.quietTo")}</span>
            {time("to", `${t("settings.quiet")} ${t("settings.quietTo")}`)}
          </div>
        </fieldset>
        <fieldset disabled={!loaded}>
          <legend>{t("settings.presence")}</legend>
          <label class="checkbox">
            <input type="checkbox" checked={settings.awayOnPanelClose} onChange={(e) => save({ ...settings, awayOnPanelClose: e.currentTarget.checked })} />
            {t("settings.awayOnClose")}
          </label>
          <p class="hint">{t("settings.awayOnCloseHint")}</p>
        </fieldset>
        <p class="account">
          {t("settings.account", { email: props.me.agent.email })}
          <button type="button" class="secondary" onClick={props.onSignOut}>
            <LogOut /> {t("signOut")}
          </button>
        </p>
      </div>
    </section>
  );
}
