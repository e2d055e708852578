import { useId, useState } from "preact/hooks";
import type { CannedResponse } from "../../shared/catalog";
import type { Team } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import { CheckboxList } from "./CheckboxList";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

const LANGUAGES = [
  { code: "zh", label: "中文" },
  { code: "en", label: "English" },
];

/** A company canned response; an empty team choice means everyone sees it. */
export function CannedForm(props: { api: ConsoleClient; canned: CannedResponse | null; teams: Team[]; attributeKeys: string[]; onSaved: () => void; onCancel?: () => void }) {
  const from = props.canned;
  const blank = { shortcode: "", title: "", body: "", language: "zh", teamIds: [] as string[] };
  const [form, setForm] = useState(from ? { shortcode: from.shortcode, title: from.title, body: from.body, language: from.language, teamIds: from.teamIds } : blank);
  const [forTeams, setForTeams] = useState((from?.teamIds.length ?? 0) > 0);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();
  const visibilityName = useId();

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    const request = { ...form, company: true, teamIds: forTeams ? form.teamIds : [] };
    try {
      if (from) await props.api.updateCanned(from.id, request);
      else await props.api.createCanned(request);
      if (!from) {
        setForm(blank);
        setForTeams(false);
      }
      props.onSaved();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="form" onSubmit={save}>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.canned.shortcode")}
          <input required maxLength={30} value={form.shortcode} onInput={(e) => setForm({ ...form, shortcode: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.canned.title")}
          <input required maxLength={80} value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.canned.language")}
          <select value={form.language} onChange={(e) => setForm({ ...form, language: e.currentTarget.value })}>
            {LANGUAGES.map((l) => (
              <option value={l.code}>{l.label}</option>
            ))}
            {!LANGUAGES.some((l) => l.code === form.language) && <option value={form.language}>{form.language}</option>}
          </select>
        </label>
      </div>
      <label class="stacked">
        {tr("options.canned.body")}
        <textarea rows={4} required maxLength={4096} aria-describedby={hintId} value={form.body} onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} />
      </label>
      <div id={hintId} class="muted">
        <p>{tr("options.canned.placeholderHint")}</p>
        {props.attributeKeys.length > 0 && <p>{tr("options.canned.attributeHint", { list: props.attributeKeys.map((k) => `{${k}}`).join(" ") })}</p>}
      </div>
      <fieldset class="radio-group">
        <legend>{tr("options.canned.visibleTo")}</legend>
        <label class="checkbox">
          <input type="radio" name={visibilityName} checked={!forTeams} onChange={() => setForTeams(false)} /> {tr("options.canned.everyone")}
        </label>
        <label class="checkbox">
          <input type="radio" name={visibilityName} checked={forTeams} onChange={() => setForTeams(true)} /> {tr("options.canned.chosenTeams")}
        </label>
      </fieldset>
      {forTeams && (
        <CheckboxList
          legend={tr("options.canned.teams")}
          items={props.teams.map((t) => ({ id: t.id, label: t.name }))}
          selected={form.teamIds}
          onChange={(teamIds) => setForm({ ...form, teamIds })}
          empty={tr("options.teams.none")}
        />
      )}
      <ErrorAlert error={error} />
      <div class="form-actions">
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {tr("options.cancel")}
          </button>
        )}
        <button type="submit">{from ? tr("options.canned.save") : tr("options.canned.create")}</button>
      </div>
    </form>
  );
}
