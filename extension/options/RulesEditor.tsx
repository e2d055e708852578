import type { Person } from "../../shared/people";
import type { RoutingSettings, Team } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { describeRules } from "../lib/rule-sentence";
import { ErrorAlert } from "./ErrorAlert";
import { NumberField } from "./NumberField";
import { RotationEditor } from "./RotationEditor";
import { tr } from "./strings";
import { useSettingsForm } from "./useSettingsForm";

/** One number's rules as a form; each rule carries the sentence saying what it does with the values on screen. */
export function RulesEditor(props: {
  api: ConsoleClient;
  phoneNumberId: string;
  initial: RoutingSettings;
  people: Person[];
  teams: Team[];
  workspaceGraceSeconds: number | null;
  locale: Locale;
}) {
  const { settings, change, save, saved, busy, error } = useSettingsForm(props.initial, (next) => props.api.saveRouting(props.phoneNumberId, next));
  const sentences = describeRules(
    settings,
    { agent: (id) => props.people.find((p) => p.id === id)?.name, team: (id) => props.teams.find((t) => t.id === id)?.name },
    props.locale,
    props.workspaceGraceSeconds,
  );

  return (
    <form class="rules form" onSubmit={save}>
      <section class="panel rule-summary" aria-labelledby="summary-title">
        <h2 id="summary-title">{tr("options.rules.summary")}</h2>
        <p>{sentences.summary}</p>
      </section>

      <section class="panel" aria-labelledby="rotation-title">
        <h2 id="rotation-title">{tr("options.rules.rotation")}</h2>
        <p id="rule-rotation" class="rule-sentence">
          {sentences.rotation}
        </p>
        <RotationEditor rotation={settings.rotation} people={props.people} teams={props.teams} onChange={(rotation) => change({ rotation })} describedBy="rule-rotation" />
        <fieldset class="radio-group">
          <legend>{tr("options.rules.mode")}</legend>
          {(["round_robin", "least_loaded"] as const).map((mode) => (
            <label class="checkbox">
              <input type="radio" name="mode" checked={settings.mode === mode} aria-describedby="rule-rotation" onChange={() => change({ mode })} />{" "}
              {tr(mode === "least_loaded" ? "options.mode.leastLoaded" : "options.mode.roundRobin")}
            </label>
          ))}
        </fieldset>
      </section>

      <section class="panel" aria-labelledby="sticky-title">
        <h2 id="sticky-title">{tr("options.rules.sticky")}</h2>
        <p id="rule-sticky" class="rule-sentence">
          {sentences.sticky}
        </p>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={settings.sticky.enabled}
            aria-describedby="rule-sticky"
            onChange={(e) => change({ sticky: { ...settings.sticky, enabled: e.currentTarget.checked } })}
          />{" "}
          {tr("options.rules.stickyOn")}
        </label>
        {settings.sticky.enabled && (
          <NumberField
            label={tr("options.rules.windowDays")}
            value={settings.sticky.windowDays}
            min={1}
            max={365}
            describedBy="rule-sticky"
            onChange={(windowDays) => windowDays !== null && change({ sticky: { ...settings.sticky, windowDays } })}
          />
        )}
      </section>

      <section class="panel" aria-labelledby="reply-title">
        <h2 id="reply-title">{tr("options.rules.replying")}</h2>
        <fieldset class="radio-group">
          <legend>{tr("options.rules.ownership")}</legend>
          <p id="rule-ownership" class="rule-sentence">
            {sentences.ownership}
          </p>
          {(["assignee", "any_member"] as const).map((ownership) => (
            <label class="checkbox">
              <input type="radio" name="ownership" checked={settings.ownership === ownership} aria-describedby="rule-ownership" onChange={() => change({ ownership })} />{" "}
              {tr(ownership === "assignee" ? "options.rules.ownerAssignee" : "options.rules.ownerAnyMember")}
            </label>
          ))}
        </fieldset>
        <p id="rule-queue" class="rule-sentence">
          {sentences.queue}
        </p>
        <label class="checkbox">
          <input type="checkbox" checked={settings.agentsSeeQueue} aria-describedby="rule-queue" onChange={(e) => change({ agentsSeeQueue: e.currentTarget.checked })} />{" "}
          {tr("options.rules.agentsSeeQueue")}
        </label>
      </section>

      <section class="panel" aria-labelledby="timing-title">
        <h2 id="timing-title">{tr("options.rules.timing")}</h2>
        <p id="rule-no-reply" class="rule-sentence">
          {sentences.noReply}
        </p>
        <NumberField
          label={tr("options.rules.noReplyMinutes")}
          value={settings.noReplyMinutes}
          min={1}
          max={1440}
          emptyMeans={tr("options.rules.off")}
          describedBy="rule-no-reply"
          onChange={(noReplyMinutes) => change({ noReplyMinutes })}
        />
        <p id="rule-grace" class="rule-sentence">
          {sentences.grace}
        </p>
        <NumberField
          label={tr("options.rules.graceSeconds")}
          value={settings.graceSeconds}
          min={0}
          max={3600}
          emptyMeans={
            props.workspaceGraceSeconds === null
              ? tr("options.rules.workspaceDefault")
              : tr("options.rules.workspaceDefaultIs", { seconds: props.workspaceGraceSeconds })
          }
          describedBy="rule-grace"
          onChange={(graceSeconds) => change({ graceSeconds })}
        />
        <p id="rule-reopen" class="rule-sentence">
          {sentences.reopen}
        </p>
        <NumberField
          label={tr("options.rules.reopenHours")}
          value={settings.reopenWithinHours}
          min={0}
          max={8760}
          describedBy="rule-reopen"
          onChange={(reopenWithinHours) => reopenWithinHours !== null && change({ reopenWithinHours })}
        />
      </section>

      <ErrorAlert error={error} />
      <div class="form-actions sticky-actions">
        <p class="saved" role="status">
          {saved ? tr("options.rules.saved") : ""}
        </p>
        <button type="submit" disabled={busy}>
          {tr("options.rules.save")}
        </button>
      </div>
    </form>
  );
}
