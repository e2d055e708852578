import { useState } from "preact/hooks";
import type { Person } from "../../shared/people";
import { DEFAULT_WAIT_TARGET_MINUTES, type Team } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import { CheckboxList } from "./CheckboxList";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { NumberField } from "./NumberField";
import { tr } from "./strings";

type Mode = Team["mode"];

/** Creates a team, or edits one when given it. */
export function TeamForm(props: { api: ConsoleClient; team: Team | null; people: Person[]; onSaved: () => void; onCancel?: () => void }) {
  const blank = { name: "", memberIds: [] as string[], supervisorIds: [] as string[], mode: "round_robin" as Mode, waitTargetMinutes: DEFAULT_WAIT_TARGET_MINUTES };
  const [form, setForm] = useState(
    props.team
      ? { name: props.team.name, memberIds: props.team.memberIds, supervisorIds: props.team.supervisorIds, mode: props.team.mode, waitTargetMinutes: props.team.waitTargetMinutes }
      : blank,
  );
  const [error, setError] = useState<string | null>(null);
  const everyone = props.people.map((p) => ({ id: p.id, label: p.name }));

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    const request = { ...form, name: form.name.trim() };
    try {
      if (props.team) await props.api.updateTeam(props.team.id, request);
      else await props.api.createTeam(request);
      if (!props.team) setForm(blank);
      props.onSaved();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="form" onSubmit={save}>
      <label class="stacked">
        {tr("options.teams.name")}
        <input required maxLength={60} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
      </label>
      <fieldset class="radio-group">
        <legend>{tr("options.teams.mode")}</legend>
        {(["round_robin", "least_loaded"] as const).map((mode) => (
          <label class="checkbox">
            <input type="radio" name={`team-mode-${props.team?.id ?? "new"}`} checked={form.mode === mode} onChange={() => setForm({ ...form, mode })} />{" "}
            {tr(mode === "least_loaded" ? "options.mode.leastLoaded" : "options.mode.roundRobin")}
          </label>
        ))}
      </fieldset>
      <NumberField
        label={tr("options.teams.waitTarget")}
        value={form.waitTargetMinutes}
        min={1}
        max={1440}
        onChange={(value) => setForm({ ...form, waitTargetMinutes: value ?? DEFAULT_WAIT_TARGET_MINUTES })}
      />
      <div class="form-grid">
        <CheckboxList legend={tr("options.teams.members")} items={everyone} selected={form.memberIds} onChange={(memberIds) => setForm({ ...form, memberIds })} />
        <CheckboxList
          legend={tr("options.teams.supervisors")}
          items={everyone}
          selected={form.supervisorIds}
          onChange={(supervisorIds) => setForm({ ...form, supervisorIds })}
        />
      </div>
      <p class="muted">{tr("options.teams.modeHint")}</p>
      <ErrorAlert error={error} />
      <div class="form-actions">
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {tr("options.cancel")}
          </button>
        )}
        <button type="submit">{props.team ? tr("options.teams.save") : tr("options.teams.create")}</button>
      </div>
    </form>
  );
}
