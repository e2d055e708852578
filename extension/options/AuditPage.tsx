import { useState } from "preact/hooks";
import type { AuditEntry } from "../../shared/audit";
import type { Me } from "../../shared/people";
import type { AuditFilters, ConsoleClient } from "../lib/console-api";
import { saveBlob } from "./download";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { dateTime } from "./format";
import { isKey, tr } from "./strings";
import { useLoad } from "./useLoad";

/** Action names start with the kind of thing changed ("person.deactivate"); filtering by the start finds a whole area. */
const AREAS = [
  ["number", "options.audit.area.number"],
  ["person", "options.audit.area.person"],
  ["invite", "options.audit.area.invite"],
  ["team", "options.audit.area.team"],
  ["routing", "options.audit.area.routing"],
  ["automation", "options.audit.area.automation"],
  ["workspace", "options.audit.area.workspace"],
  ["tag", "options.audit.area.tag"],
  ["tag_group", "options.audit.area.tag_group"],
  ["attribute", "options.audit.area.attribute"],
  ["canned", "options.audit.area.canned"],
] as const;

interface FilterForm {
  actorId: string;
  action: string;
  q: string;
  /** Dates as the date inputs give them (yyyy-mm-dd, the viewer's own days). */
  from: string;
  to: string;
}

/** Whole local days: "to" includes the day it names. */
function toQuery(form: FilterForm): AuditFilters {
  return {
    ...(form.actorId ? { actorId: form.actorId } : {}),
    ...(form.action.trim() ? { action: form.action.trim() } : {}),
    ...(form.q.trim() ? { q: form.q.trim() } : {}),
    ...(form.from ? { from: new Date(`${form.from}T00:00:00`).getTime() } : {}),
    ...(form.to ? { to: new Date(`${form.to}T23:59:59.999`).getTime() } : {}),
  };
}

/** The id the server records the deployment's operator under (worker/workspace/number-ownership.ts). */
const OPERATOR_ID = "operator";

/**
 * A row's target in the reader's language: its kind from the stored "kind:id", and its name as stored, except for the
 * targets that have no name of their own (the workspace's settings, the company library), which are named here.
 */
function targetText(entry: AuditEntry): { name: string; kind: string | null } {
  if (entry.target === "workspace") return { name: tr("options.audit.area.workspace"), kind: null };
  if (entry.target === "canned:library") return { name: tr("options.audit.companyLibrary"), kind: null };
  const kind = AREAS.find(([prefix]) => entry.target.startsWith(`${prefix}:`));
  return { name: entry.targetName, kind: kind ? tr(kind[1]) : null };
}

/** The stored action code ("person.deactivate") as the reader's words; a code this version does not know, as stored. */
function actionText(action: string) {
  const key = `options.audit.do.${action}`;
  return isKey(key) ? tr(key) : <code>{action}</code>;
}

/** Who changed which setting, when, from what to what. */
export function AuditPage(props: { api: ConsoleClient; me: Me }) {
  const blank: FilterForm = { actorId: "", action: "", q: "", from: "", to: "" };
  const [form, setForm] = useState(blank);
  const [applied, setApplied] = useState<AuditFilters>({});
  const entries = useLoad(() => props.api.audit(applied).then((r) => r.entries), [applied]);
  const people = useLoad(() => props.api.people().then((r) => r.people));
  const [exportError, setExportError] = useState<string | null>(null);

  async function exportCsv() {
    setExportError(null);
    try {
      saveBlob(await props.api.exportAuditCsv(applied), "audit.csv");
    } catch (e) {
      setExportError(messageOf(e));
    }
  }

  return (
    <>
      <form
        class="panel form filters-form"
        aria-label={tr("options.audit.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(toQuery(form));
        }}
      >
        <div class="form-grid">
          <label class="stacked">
            {tr("options.audit.person")}
            <select value={form.actorId} onChange={(e) => setForm({ ...form, actorId: e.currentTarget.value })}>
              <option value="">{tr("options.audit.anyone")}</option>
              {people.data?.map((p) => (
                <option value={p.id}>{p.name}</option>
              ))}
            </select>
          </label>
          <label class="stacked">
            {tr("options.audit.action")}
            <input list="audit-areas" placeholder={tr("options.audit.actionPlaceholder")} value={form.action} onInput={(e) => setForm({ ...form, action: e.currentTarget.value })} />
            <datalist id="audit-areas">
              {AREAS.map(([prefix, label]) => (
                <option value={prefix} label={tr(label)} />
              ))}
            </datalist>
          </label>
          <label class="stacked">
            {tr("options.audit.search")}
            <input type="search" value={form.q} onInput={(e) => setForm({ ...form, q: e.currentTarget.value })} />
          </label>
          <label class="stacked">
            {tr("options.audit.from")}
            <input type="date" value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} />
          </label>
          <label class="stacked">
            {tr("options.audit.to")}
            <input type="date" value={form.to} onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} />
          </label>
        </div>
        <div class="form-actions">
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setForm(blank);
              setApplied({});
            }}
          >
            {tr("options.audit.clear")}
          </button>
          <button type="submit">{tr("options.audit.apply")}</button>
          <button type="button" onClick={() => void exportCsv()}>
            {tr("options.audit.export")}
          </button>
        </div>
        <ErrorAlert error={exportError} />
      </form>
      <section class="panel" aria-labelledby="audit-title">
        <h2 id="audit-title">{tr("options.audit.entries")}</h2>
        <ErrorAlert error={entries.error} />
        {entries.data?.length === 0 ? (
          <p class="empty">{tr("options.audit.none")}</p>
        ) : (
          <div class="table-scroll">
            <table class="audit">
              <thead>
                <tr>
                  <th scope="col">{tr("options.audit.time")}</th>
                  <th scope="col">{tr("options.audit.who")}</th>
                  <th scope="col">{tr("options.audit.action")}</th>
                  <th scope="col">{tr("options.audit.target")}</th>
                  <th scope="col">{tr("options.audit.change")}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data?.map((entry) => (
                  <tr key={entry.id}>
                    <td>
                      <time dateTime={new Date(entry.at).toISOString()}>{dateTime(entry.at)}</time>
                    </td>
                    <td>{entry.actorId === OPERATOR_ID ? tr("options.audit.operator") : entry.actorName}</td>
                    <td title={entry.action}>{actionText(entry.action)}</td>
                    <td title={entry.target}>
                      {targetText(entry).name} {targetText(entry).kind && <span class="muted">{targetText(entry).kind}</span>}
                    </td>
                    <td class="change">
                      <code>{entry.oldValue ?? "—"}</code> → <code>{entry.newValue ?? "—"}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
