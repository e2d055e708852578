import { useId, useState } from "preact/hooks";
import type { AutomationLanguage, AutomationSettings, LocalizedText } from "../../shared/automation";
import type { Locale } from "../lib/i18n";
import type { PlaceholderSet, SampleValues } from "./automation-preview";
import { AutoResolveDelay } from "./AutoResolveDelay";
import { LocalizedTextField } from "./LocalizedTextField";
import { MessageFieldset } from "./MessageFieldset";
import { NumberField } from "./NumberField";
import { tr } from "./strings";

type Messages = Pick<AutomationSettings, "welcome" | "away" | "queueUpdate" | "noReplyNudge" | "autoResolve" | "csat">;

/** The six automatic messages, each a group with its checkbox, its settings and its texts with previews. */
export function AutomaticMessages(props: {
  settings: Messages;
  onChange: (change: Partial<Messages>) => void;
  samples: Record<AutomationLanguage, SampleValues>;
  locale: Locale;
  /** The number's no-reply reassignment in minutes; null: off; undefined: not known. */
  noReplyMinutes: number | null | undefined;
}) {
  const { welcome, away, queueUpdate, noReplyNudge, autoResolve, csat } = props.settings;
  const welcomeWhen = useId();
  // The days last typed, for when "again after a silence" is chosen again.
  const [lastDays, setLastDays] = useState(welcome.afterDays ?? 30);

  const text = (name: string, value: LocalizedText, placeholders: PlaceholderSet, onChange: (value: LocalizedText) => void) => (
    <LocalizedTextField name={name} value={value} onChange={onChange} samples={props.samples} placeholders={placeholders} locale={props.locale} />
  );

  return (
    <div class="messages">
      <MessageFieldset
        legend={tr("options.automation.welcome")}
        about={tr("options.automation.welcomeAbout")}
        toggle={tr("options.automation.welcomeOn")}
        enabled={welcome.enabled}
        onToggle={(enabled) => props.onChange({ welcome: { ...welcome, enabled } })}
      >
        <fieldset class="radio-group">
          <legend>{tr("options.automation.welcomeWhen")}</legend>
          <label class="checkbox">
            <input type="radio" name={welcomeWhen} checked={welcome.afterDays === null} onChange={() => props.onChange({ welcome: { ...welcome, afterDays: null } })} />{" "}
            {tr("options.automation.welcomeFirstOnly")}
          </label>
          <label class="checkbox">
            <input type="radio" name={welcomeWhen} checked={welcome.afterDays !== null} onChange={() => props.onChange({ welcome: { ...welcome, afterDays: lastDays } })} />{" "}
            {tr("options.automation.welcomeAgain")}
          </label>
          {welcome.afterDays !== null && (
            <NumberField
              label={tr("options.automation.welcomeAfterDays")}
              value={welcome.afterDays}
              min={1}
              max={365}
              onChange={(afterDays) => {
                if (afterDays === null) return;
                setLastDays(afterDays);
                props.onChange({ welcome: { ...welcome, afterDays } });
              }}
            />
          )}
        </fieldset>
        {text(tr("options.automation.welcomeText"), welcome.text, "names", (value) => props.onChange({ welcome: { ...welcome, text: value } }))}
      </MessageFieldset>

      <MessageFieldset
        legend={tr("options.automation.away")}
        about={tr("options.automation.awayAbout")}
        toggle={tr("options.automation.awayOn")}
        enabled={away.enabled}
        onToggle={(enabled) => props.onChange({ away: { ...away, enabled } })}
      >
        <label class="checkbox">
          <input type="checkbox" checked={away.whenNoAgentAvailable} onChange={(e) => props.onChange({ away: { ...away, whenNoAgentAvailable: e.currentTarget.checked } })} />{" "}
          {tr("options.automation.awayNoAgent")}
        </label>
        <NumberField
          label={tr("options.automation.awayEveryHours")}
          value={away.everyHours}
          min={1}
          max={168}
          onChange={(everyHours) => everyHours !== null && props.onChange({ away: { ...away, everyHours } })}
        />
        <p class="muted">{tr("options.automation.backAtHint")}</p>
        {text(tr("options.automation.awayText"), away.text, "away", (value) => props.onChange({ away: { ...away, text: value } }))}
      </MessageFieldset>

      <MessageFieldset
        legend={tr("options.automation.queue")}
        about={tr("options.automation.queueAbout")}
        toggle={tr("options.automation.queueOn")}
        enabled={queueUpdate.enabled}
        onToggle={(enabled) => props.onChange({ queueUpdate: { ...queueUpdate, enabled } })}
      >
        <div class="form-grid">
          <NumberField
            label={tr("options.automation.queueAfter")}
            value={queueUpdate.afterMinutes}
            min={1}
            max={240}
            onChange={(afterMinutes) => afterMinutes !== null && props.onChange({ queueUpdate: { ...queueUpdate, afterMinutes } })}
          />
          <NumberField
            label={tr("options.automation.queueEvery")}
            value={queueUpdate.everyMinutes}
            min={1}
            max={240}
            onChange={(everyMinutes) => everyMinutes !== null && props.onChange({ queueUpdate: { ...queueUpdate, everyMinutes } })}
          />
        </div>
        {text(tr("options.automation.queueText"), queueUpdate.text, "queue", (value) => props.onChange({ queueUpdate: { ...queueUpdate, text: value } }))}
      </MessageFieldset>

      <MessageFieldset
        legend={tr("options.automation.nudge")}
        about={tr("options.automation.nudgeAbout")}
        toggle={tr("options.automation.nudgeOn")}
        enabled={noReplyNudge.enabled}
        onToggle={(enabled) => props.onChange({ noReplyNudge: { ...noReplyNudge, enabled } })}
      >
        <NumberField
          label={tr("options.automation.nudgeBefore")}
          value={noReplyNudge.beforeMinutes}
          min={1}
          max={60}
          onChange={(beforeMinutes) => beforeMinutes !== null && props.onChange({ noReplyNudge: { ...noReplyNudge, beforeMinutes } })}
        />
        <NudgeRule noReplyMinutes={props.noReplyMinutes} />
      </MessageFieldset>

      <MessageFieldset
        legend={tr("options.automation.resolve")}
        about={tr("options.automation.resolveAbout")}
        toggle={tr("options.automation.resolveOn")}
        enabled={autoResolve.enabled}
        onToggle={(enabled) => props.onChange({ autoResolve: { ...autoResolve, enabled } })}
      >
        <AutoResolveDelay minutes={autoResolve.afterMinutes} onChange={(afterMinutes) => props.onChange({ autoResolve: { ...autoResolve, afterMinutes } })} />
        <p class="muted">{tr("options.automation.closingHint")}</p>
        {text(tr("options.automation.closingText"), autoResolve.closingText, "names", (value) => props.onChange({ autoResolve: { ...autoResolve, closingText: value } }))}
      </MessageFieldset>

      <MessageFieldset
        legend={tr("options.automation.csat")}
        about={tr("options.automation.csatAbout")}
        toggle={tr("options.automation.csatOn")}
        enabled={csat.enabled}
        onToggle={(enabled) => props.onChange({ csat: { ...csat, enabled } })}
      >
        {text(tr("options.automation.csatQuestion"), csat.question, "names", (value) => props.onChange({ csat: { ...csat, question: value } }))}
        {text(tr("options.automation.csatThanks"), csat.thanks, "names", (value) => props.onChange({ csat: { ...csat, thanks: value } }))}
      </MessageFieldset>
    </div>
  );
}

/** The nudge only comes before a no-reply reassignment, which the number's assignment rules set. */
function NudgeRule(props: { noReplyMinutes: number | null | undefined }) {
  if (props.noReplyMinutes === undefined) return <p class="muted">{tr("options.automation.nudgeNeedsRule")} <a href="#rules">{tr("options.nav.rules")}</a></p>;
  if (props.noReplyMinutes === null)
    return (
      <p class="note">
        {tr("options.automation.nudgeRuleOff")} <a href="#rules">{tr("options.nav.rules")}</a>
      </p>
    );
  return (
    <p class="muted">
      {tr("options.automation.nudgeRuleOn", { minutes: props.noReplyMinutes })} <a href="#rules">{tr("options.nav.rules")}</a>
    </p>
  );
}
