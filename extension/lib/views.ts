import type { Conversation, ConversationView } from "../../shared/inbox";

/** A conversation's key across numbers (ids are per number): the list's keys, a future selection's members. */
export const conversationKey = (c: { phoneNumberId: string; id: string }): string => `${c.phoneNumberId}:${c.id}`;

/** Whether a conversation belongs in a view for this person; mirrors the server's view queries. */
export function belongsToView(view: ConversationView, c: Conversation, me: { id: string; supervisor: boolean }): boolean {
  switch (view) {
    case "mine":
      return c.status !== "resolved" && c.assigneeId === me.id;
    case "unassigned":
      return c.status === "open" && c.assigneeId === null;
    case "all":
      return c.status !== "resolved";
    case "resolved":
      return c.status === "resolved" && (me.supervisor || c.assigneeId === me.id);
  }
}

/** The queue shows the longest waiting first and every other view the newest activity first, unless asked. */
export function compareInView(view: ConversationView, sort: "newest" | "waiting" | null = null): (a: Conversation, b: Conversation) => number {
  const order = sort ?? (view === "unassigned" ? "waiting" : "newest");
  // Waiting: in the queue since, or (for an assigned conversation) the customer's unanswered message; mirrors the API.
  const since = (c: Conversation) => c.queuedAt ?? Number.MAX_SAFE_INTEGER;
  if (order === "waiting") return (a, b) => since(a) - since(b) || Number(a.id) - Number(b.id);
  return (a, b) => b.lastMessageAt - a.lastMessageAt || Number(b.id) - Number(a.id);
}

export function waitedFor(since: number, now = Date.now()): { seconds: number; minutes: number; hours: number } {
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const minutes = Math.floor(seconds / 60);
  return { seconds, minutes, hours: Math.floor(minutes / 60) };
}
