import type { BulkAction, BulkOutcome, BulkRequest, BulkResult, BulkUndoResult } from "../../shared/bulk";
import { ok, refuse, type Principal, type Refusal, type Result } from "../lib/result";
import type { Assignment } from "./assignment";
import type { Contacts } from "./contacts";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import type { Lifecycle } from "./lifecycle";
import type { Row } from "./rows";

/** How long the server keeps a bulk action's undo; the panel offers it for 8 s, the rest covers a slow network. */
export const UNDO_WINDOW_MS = 20_000;

interface Snapshot {
  assigneeId: string | null;
  teamId: string | null;
  queuedAt: number | null;
  status: string;
  snoozedUntil: number | null;
}

/** What one conversation's undo needs: how it was, how the action left it, and for a tag the customer's tags it touched. */
interface UndoEntry {
  id: string;
  before: Snapshot;
  after: Snapshot;
  tags?: { contactId: number; touched: string[]; before: string[] };
}

const snapshot = (row: Row): Snapshot => ({
  assigneeId: (row.assignee_id as string | null) ?? null,
  teamId: (row.team_id as string | null) ?? null,
  queuedAt: (row.queued_at as number | null) ?? null,
  status: row.status as string,
  snoozedUntil: (row.snoozed_until as number | null) ?? null,
});

/** Codes for the refusals that predate codes, by status, so every refused row says something a panel can translate. */
const CODE_BY_STATUS: Record<Refusal["status"], string> = {
  400: "invalid",
  401: "signed_out",
  403: "not_allowed",
  404: "conversation_not_found",
  409: "conflict",
  422: "invalid",
  429: "too_many",
  502: "upstream",
  503: "unavailable",
};

const refused = (id: string, r: Refusal): BulkOutcome => ({
  id,
  outcome: "refused",
  code: r.code ?? CODE_BY_STATUS[r.status],
  ...(r.params ? { params: r.params } : {}),
  message: r.message,
});

/**
 * One action on many conversations, each through the very function the single action uses (so each is allowed or
 * refused by the same rules), and its undo. Owns `bulk_undo`: what each done conversation looked like before, kept
 * for `UNDO_WINDOW_MS` for the person who acted.
 */
export class Bulk {
  constructor(
    private readonly ctx: InboxContext,
    private readonly conversations: Conversations,
    private readonly contacts: Contacts,
    private readonly assignment: Assignment,
    private readonly lifecycle: Lifecycle,
  ) {}

  run(viewer: Principal, request: BulkRequest): BulkResult {
    const results: BulkOutcome[] = [];
    const entries: UndoEntry[] = [];
    for (const id of request.ids) {
      const row = this.conversations.find(Number(id));
      const done = row ? this.apply(viewer, id, row, request.action) : refuse(404, `conversation ${id} does not exist on this number`, "conversation_not_found");
      if (!done.ok) {
        results.push(refused(id, done));
        continue;
      }
      results.push({ id, outcome: "done" });
      entries.push({ id, before: snapshot(row!), after: snapshot(this.conversations.row(Number(id))), ...(done.value ? { tags: done.value } : {}) });
    }
    if (entries.length === 0) return { results, undoId: null, undoUntil: null };
    const now = this.ctx.now();
    const undoId = crypto.randomUUID();
    this.ctx.sql.exec("DELETE FROM bulk_undo WHERE expires_at < ?", now);
    this.ctx.sql.exec(
      "INSERT INTO bulk_undo (id, actor_id, action, entries, expires_at) VALUES (?, ?, ?, ?, ?)",
      undoId,
      viewer.personId,
      request.action.kind,
      JSON.stringify(entries),
      now + UNDO_WINDOW_MS,
    );
    return { results, undoId, undoUntil: now + UNDO_WINDOW_MS };
  }

  private apply(viewer: Principal, id: string, row: Row, action: BulkAction): Result<UndoEntry["tags"] | null> {
    const done = (r: Result<unknown>): Result<null> => (r.ok ? ok(null) : r);
    switch (action.kind) {
      case "assign":
        // Taking a waiting conversation yourself is a claim; anything else is a transfer to that agent.
        if (row.assignee_id === null && row.status === "open" && action.toAgentId === viewer.personId) return done(this.assignment.claim(viewer, id));
        return done(this.assignment.transfer(viewer, id, { toAgentId: action.toAgentId, force: action.force }));
      case "transfer":
        return done(this.assignment.transfer(viewer, id, { toTeamId: action.toTeamId, force: false }));
      case "tag": {
        const contactId = Number(row.contact_id);
        const changed = this.contacts.applyTagChange(viewer, String(contactId), { add: action.tagId });
        return changed.ok ? ok({ contactId, ...changed.value }) : changed;
      }
      case "pending":
        return done(this.lifecycle.snooze(viewer, id, null));
      case "resolve":
        return done(this.lifecycle.resolve(viewer, id));
    }
  }

  /** Puts back, last first, every conversation the action did and nobody has changed since; once, by whoever acted. */
  undo(viewer: Principal, undoId: string): Result<BulkUndoResult> {
    const stored = this.ctx.sql
      .exec<{ action: BulkAction["kind"]; entries: string }>(
        "SELECT action, entries FROM bulk_undo WHERE id = ? AND actor_id = ? AND expires_at >= ?",
        undoId,
        viewer.personId,
        this.ctx.now(),
      )
      .toArray()[0];
    if (!stored) return refuse(404, "nothing to undo: it was undone already, its time ran out, or it was not yours", "undo_gone");
    this.ctx.sql.exec("DELETE FROM bulk_undo WHERE id = ?", undoId);
    const entries = JSON.parse(stored.entries) as UndoEntry[];
    const results = entries.reverse().map((entry) => {
      const put = this.restore(viewer, stored.action, entry);
      return put.ok ? ({ id: entry.id, outcome: "done" } as const) : refused(entry.id, put);
    });
    return ok({ results: results.reverse() });
  }

  private restore(viewer: Principal, action: BulkAction["kind"], entry: UndoEntry): Result<unknown> {
    if (entry.tags) {
      this.contacts.restoreTags(viewer.personId, entry.tags.contactId, entry.tags.touched, entry.tags.before);
      return ok(true);
    }
    const row = this.conversations.find(Number(entry.id));
    const now = row ? snapshot(row) : null;
    // Someone (or the customer) moved it on since: their change stands.
    if (!now || now.assigneeId !== entry.after.assigneeId || now.status !== entry.after.status) {
      return refuse(409, "the conversation changed since; it was left as it is now", "changed_since");
    }
    switch (action) {
      case "assign":
      case "transfer":
        this.assignment.restore(viewer, Number(entry.id), entry.before);
        return ok(true);
      case "pending":
        return this.lifecycle.unsnooze(viewer, entry.id);
      case "resolve": {
        const reopened = this.lifecycle.reopen(viewer, entry.id);
        if (!reopened.ok || entry.before.status !== "pending") return reopened;
        const until = entry.before.snoozedUntil !== null && entry.before.snoozedUntil > this.ctx.now() ? entry.before.snoozedUntil : null;
        return this.lifecycle.snooze(viewer, entry.id, until);
      }
      case "tag":
        return ok(true);
    }
  }
}
