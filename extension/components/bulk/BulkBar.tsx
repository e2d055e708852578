import { useEffect, useRef, useState } from "preact/hooks";
import type { BulkAction, BulkOutcome } from "../../../shared/bulk";
import type { Tag } from "../../../shared/catalog";
import type { Conversation } from "../../../shared/inbox";
import type { NumberAgent, Team } from "../../../shared/routing";
import type { ApiClient } from "../../lib/api";
import { bt, reason } from "./strings";

/** How long the toast offers Undo; the server keeps the undo a little longer for a slow network. */
const UNDO_MS = 8_000;

interface Toast {
  text: string;
  undo: { phoneNumberId: string; undoId: string }[];
}

export interface BulkBarProps {
  api: ApiClient;
  selected: Conversation[];
  agents: Record<string, NumberAgent[]>;
  teams: Team[];
  tags: Tag[];
  me: { id: string; name: string };
  supervisor: boolean;
  onClear: () => void;
  /** While the toast shows, the bar stays mounted though the selection is gone. */
  onActive: (active: boolean) => void;
}

/** Refusals, most common reason first: "2 not changed: assigned to someone else". */
function refusedText(refused: BulkOutcome[]): string {
  const byCode = new Map<string, { n: number; r: BulkOutcome }>();
  for (const r of refused) {
    const seen = byCode.get(r.code ?? "") ?? { n: 0, r };
    byCode.set(r.code ?? "", { n: seen.n + 1, r });
  }
  return [...byCode.values()]
    .sort((a, b) => b.n - a.n)
    .map(({ n, r }) => bt("bulk.refused", { n, reason: reason(r.code, r.params) }))
    .join(" · ");
}

/**
 * The selection's actions (assign, transfer to a team, tag, pending, resolve), one request per number, and the toast
 * with Undo. Each conversation is done or refused by the server with the single action's rules; the list follows by
 * the live pushes, so nothing here edits it.
 */
export default function BulkBar(props: BulkBarProps) {
  const [busy, setBusy] = useState(false);
  const [toast, setToast] = useState<Toast | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  function show(next: Toast | null, ms = UNDO_MS) {
    clearTimeout(timer.current);
    setToast(next);
    props.onActive(next !== null);
    if (next) timer.current = setTimeout(() => show(null), ms);
  }

  async function run(action: BulkAction) {
    const byNumber = new Map<string, string[]>();
    for (const c of props.selected) byNumber.set(c.phoneNumberId, [...(byNumber.get(c.phoneNumberId) ?? []), c.id]);
    // The live pushes may take the rows out of the list before the answer comes: the bar stays until it shows it.
    props.onActive(true);
    setBusy(true);
    try {
      const answers = await Promise.all([...byNumber].map(async ([phoneNumberId, ids]) => ({ phoneNumberId, ...(await props.api.bulk(phoneNumberId, { ids, action })) })));
      const results = answers.flatMap((a) => a.results);
      const done = results.filter((r) => r.outcome === "done").length;
      const refused = refusedText(results.filter((r) => r.outcome === "refused"));
      props.onClear();
      show({
        text: [bt(`bulk.done.${action.kind}`, { n: done }), refused].filter(Boolean).join(" · "),
        undo: answers.flatMap((a) => (a.undoId ? [{ phoneNumberId: a.phoneNumberId, undoId: a.undoId }] : [])),
      });
    } catch (error) {
      show({ text: bt("bulk.failed", { reason: (error as Error).message }), undo: [] });
    } finally {
      setBusy(false);
    }
  }

  async function undo() {
    const undos = toast?.undo ?? [];
    // The toast stays (saying it works) rather than closing: closing it would unmount this bar with no selection.
    show({ text: bt("bulk.busy"), undo: [] });
    setBusy(true);
    try {
      const results = (await Promise.all(undos.map((u) => props.api.undoBulk(u.phoneNumberId, u.undoId)))).flatMap((a) => a.results);
      const refused = refusedText(results.filter((r) => r.outcome === "refused"));
      show({ text: [bt("bulk.undone", { n: results.filter((r) => r.outcome === "done").length }), refused].filter(Boolean).join(" · "), undo: [] }, 4_000);
    } catch {
      show({ text: reason("undo_gone"), undo: [] }, 4_000);
    } finally {
      setBusy(false);
    }
  }

  const numbers = new Set(props.selected.map((c) => c.phoneNumberId));
  const people = new Map<string, string>();
  for (const n of numbers) for (const a of props.agents[n] ?? []) if (a.id !== props.me.id) people.set(a.id, a.name);
  const choose = (make: (value: string) => BulkAction) => (e: Event) => {
    const select = e.currentTarget as HTMLSelectElement;
    const value = select.value;
    select.value = "";
    if (value) void run(make(value));
  };

  return (
    <>
      {props.selected.length > 0 && (
        <section class="bulk-bar" aria-label={bt("bulk.label")}>
          <div class="bulk-head">
            <strong>{busy ? bt("bulk.busy") : bt("bulk.count", { n: props.selected.length })}</strong>
            <span class="bulk-hint">{bt("bulk.hint")}</span>
            <button type="button" class="link-button" onClick={props.onClear}>
              {bt("bulk.clear")}
            </button>
          </div>
          <div class="bulk-actions">
            <select aria-label={bt("bulk.assign")} disabled={busy} onChange={choose((id) => ({ kind: "assign", toAgentId: id, force: props.supervisor }))}>
              <option value="">{bt("bulk.assign")}</option>
              <option value={props.me.id}>{bt("bulk.me", { name: props.me.name })}</option>
              {[...people].map(([id, name]) => (
                <option value={id}>{name}</option>
              ))}
            </select>
            {props.teams.length > 0 && (
              <select aria-label={bt("bulk.transfer")} disabled={busy} onChange={choose((id) => ({ kind: "transfer", toTeamId: id }))}>
                <option value="">{bt("bulk.transfer")}</option>
                {props.teams.map((team) => (
                  <option value={team.id}>{team.name}</option>
                ))}
              </select>
            )}
            <select aria-label={bt("bulk.tag")} disabled={busy} onChange={choose((id) => ({ kind: "tag", tagId: id }))}>
              <option value="">{bt("bulk.tag")}</option>
              {props.tags.map((tag) => (
                <option value={tag.id}>{tag.name}</option>
              ))}
            </select>
            <button type="button" disabled={busy} onClick={() => void run({ kind: "pending" })}>
              {bt("bulk.pending")}
            </button>
            <button type="button" class="primary" disabled={busy} onClick={() => void run({ kind: "resolve" })}>
              {bt("bulk.resolve")}
            </button>
          </div>
        </section>
      )}
      {toast && (
        <div class="toast" role="status">
          <span>{toast.text}</span>
          {toast.undo.length > 0 && (
            <button type="button" onClick={() => void undo()}>
              {bt("bulk.undo")}
            </button>
          )}
        </div>
      )}
    </>
  );
}
