import type { RoutingSettings } from "../../shared/routing";

export type ConversationView = "mine" | "unassigned" | "all" | "resolved";
export type ConversationSort = "newest" | "waiting";

/** The statuses a view can hold; each is written into the SQL as a literal, so partial indexes on it apply. */
export type ListedStatus = "open" | "pending" | "resolved";

export interface ViewQuery {
  /**
   * The statuses shown, each read on its own: an index that leads with the status (or the assignee and the status)
   * then delivers its rows already in order, and the object merges a page from each instead of sorting every
   * conversation the view holds (conversations.ts `page`). None: the filters leave nothing to show.
   */
  statuses: ListedStatus[];
  /** Every other condition, over `c` (conversations) and `k` (contacts). */
  where: string;
  args: SqlStorageValue[];
  /** The expression rows are ordered by (with c.id as tie-break), and its direction. */
  key: string;
  direction: "ASC" | "DESC";
}

/** What "waiting" means: in the queue since, or waiting for an answer since; never-waiting rows sort last. */
const WAITING_KEY = "COALESCE(c.queued_at, c.awaiting_reply_since, 9007199254740991)";

/**
 * Which conversations a view shows to this person, in which order. Pure: the object runs the SQL.
 * Mine: my open and pending ones. Unassigned: the queue (if the number lets agents see it). All: every open one
 * (supervisors, or agents under shared ownership). Resolved: mine, or all for supervisors.
 */
export function viewQuery(
  view: ConversationView,
  sort: ConversationSort | undefined,
  viewer: { personId: string; supervisor: boolean },
  routing: Pick<RoutingSettings, "agentsSeeQueue" | "ownership">,
  filters: { tagId?: string; unreadOnly?: boolean; status?: "open" | "pending"; agentIds?: string[]; language?: string } = {},
): ViewQuery | { refused: string } {
  const base = viewBase(view, sort, viewer, routing);
  if ("refused" in base) return base;
  let { where, args } = base;
  if (filters.tagId) {
    where += " AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.contact_id AND t.tag_id = ?)";
    args = [...args, filters.tagId];
  }
  if (filters.unreadOnly) where += " AND c.unread > 0";
  if (filters.language) {
    // A primary tag finds its regional and script variants too ("zh" finds "zh-Hant"). The conversation's copy of
    // its customer's language (schema.ts 22) answers without a lookup per row.
    where += " AND (c.language = ? OR c.language LIKE ? || '-%')";
    args = [...args, filters.language, filters.language];
  }
  const statuses = filters.status ? base.statuses.filter((status) => status === filters.status) : base.statuses;
  if (filters.agentIds) {
    // A team filter: conversations assigned to one of its members.
    where += " AND c.assignee_id IN (SELECT value FROM json_each(?))";
    args = [...args, JSON.stringify(filters.agentIds)];
  }
  return { ...base, statuses, where, args };
}

function viewBase(
  view: ConversationView,
  sort: ConversationSort | undefined,
  viewer: { personId: string; supervisor: boolean },
  routing: Pick<RoutingSettings, "agentsSeeQueue" | "ownership">,
): ViewQuery | { refused: string } {
  const newest = { key: "c.last_message_at", direction: "DESC" as const };
  const waiting = { key: WAITING_KEY, direction: "ASC" as const };
  // Unless asked otherwise the queue is longest waiting first, everything else newest activity first.
  const order = (sort ?? (view === "unassigned" ? "waiting" : "newest")) === "waiting" ? waiting : newest;
  switch (view) {
    case "mine":
      return { statuses: ["open", "pending"], where: "c.assignee_id = ?", args: [viewer.personId], ...order };
    case "unassigned":
      if (!viewer.supervisor && !routing.agentsSeeQueue) return { refused: "on this number only supervisors see the unassigned queue" };
      return { statuses: ["open"], where: "c.assignee_id IS NULL", args: [], ...order };
    case "all":
      if (!viewer.supervisor && routing.ownership !== "any_member") return { refused: "only supervisors and admins see all conversations" };
      return { statuses: ["open", "pending"], where: "1 = 1", args: [], ...order };
    case "resolved":
      return viewer.supervisor
        ? { statuses: ["resolved"], where: "1 = 1", args: [], ...newest }
        : { statuses: ["resolved"], where: "c.assignee_id = ?", args: [viewer.personId], ...newest };
  }
}

/**
 * Keyset paging: the cursor is the last row's sort value and id, so pages stay stable while rows arrive. Sort values
 * are whole, non-negative milliseconds (times are checked at the edge, received-time.ts) or the "never waited" key;
 * the value is clamped into that range all the same, so every cursor the API hands out is one it accepts
 * (test/unit/cursor.test.ts). The route validates with this pattern.
 */
export const CURSOR_PATTERN = /^(\d{1,16})\.(\d{1,16})$/;

export function encodeCursor(value: number, id: number): string {
  const whole = (n: number) => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), Number.MAX_SAFE_INTEGER) : n > 0 ? Number.MAX_SAFE_INTEGER : 0);
  return `${whole(value)}.${whole(id)}`;
}

export function decodeCursor(cursor: string | undefined): { value: number; id: number } | null {
  const match = cursor ? CURSOR_PATTERN.exec(cursor) : null;
  return match ? { value: Number(match[1]), id: Number(match[2]) } : null;
}
