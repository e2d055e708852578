import { useId, useState } from "preact/hooks";
import type { AttributeDefinition, AttributeType } from "../../shared/catalog";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

export const TYPE_LABEL = {
  text: "options.attributes.type.text",
  number: "options.attributes.type.number",
  date: "options.attributes.type.date",
  single_choice: "options.attributes.type.single_choice",
  multi_choice: "options.attributes.type.multi_choice",
  checkbox: "options.attributes.type.checkbox",
  link: "options.attributes.type.link",
} as const satisfies Record<AttributeType, string>;

const hasOptions = (type: AttributeType) => type === "single_choice" || type === "multi_choice";

/** Defines an attribute, or edits one (its key stays: contacts' values are stored under it). */
export function AttributeForm(props: { api: ConsoleClient; attribute: AttributeDefinition | null; onSaved: () => void; onCancel?: () => void }) {
  const from = props.attribute;
  const blank = { key: "", labelZh: "", labelEn: "", type: "text" as AttributeType, options: "", agentsCanEdit: true };
  const [form, setForm] = useState(from ? { ...from, options: from.options.join("\n") } : blank);
  const [error, setError] = useState<string | null>(null);
  const keyHint = useId();

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    const definition = {
      labelZh: form.labelZh.trim(),
      labelEn: form.labelEn.trim(),
      type: form.type,
      // One option per line; blank lines are not options.
      options: hasOptions(form.type) ? form.options.split("\n").map((o) => o.trim()).filter(Boolean) : [],
      agentsCanEdit: form.agentsCanEdit,
    };
    try {
      if (from) await props.api.updateAttribute(from.key, definition);
      else await props.api.createAttribute({ key: form.key.trim(), ...definition });
      if (!from) setForm(blank);
      props.onSaved();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="form" onSubmit={save}>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.attributes.key")}
          <input required maxLength={40} disabled={from !== null} aria-describedby={keyHint} value={form.key} onInput={(e) => setForm({ ...form, key: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.attributes.labelZh")}
          <input required maxLength={60} lang="zh-CN" value={form.labelZh} onInput={(e) => setForm({ ...form, labelZh: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.attributes.labelEn")}
          <input required maxLength={60} lang="en" value={form.labelEn} onInput={(e) => setForm({ ...form, labelEn: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.attributes.type")}
          <select value={form.type} onChange={(e) => setForm({ ...form, type: e.currentTarget.value as AttributeType })}>
            {(Object.keys(TYPE_LABEL) as AttributeType[]).map((type) => (
              <option value={type}>{tr(TYPE_LABEL[type])}</option>
            ))}
          </select>
        </label>
      </div>
      <p id={keyHint} class="muted">
        {tr("options.attributes.keyHint")}
      </p>
      {hasOptions(form.type) && (
        <label class="stacked">
          {tr("options.attributes.optionsField")}
          <textarea rows={4} required value={form.options} onInput={(e) => setForm({ ...form, options: e.currentTarget.value })} />
        </label>
      )}
      <label class="checkbox">
        <input type="checkbox" checked={form.agentsCanEdit} onChange={(e) => setForm({ ...form, agentsCanEdit: e.currentTarget.checked })} />{" "}
        {tr("options.attributes.agentsCanEdit")}
      </label>
      <ErrorAlert error={error} />
      <div class="form-actions">
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {tr("options.cancel")}
          </button>
        )}
        <button type="submit">{from ? tr("options.attributes.save") : tr("options.attributes.create")}</button>
      </div>
    </form>
  );
}
