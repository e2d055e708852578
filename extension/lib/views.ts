import type { Conversation, ConversationView } from "../../shared/inbox";

/** Whether a conversation belongs in a view for this person; mirrors the server's view queries. */
export function belongsToView(view: ConversationView, c: Conversation, me: { id: string; supervisor: boolean }): boolean {
  switch (view) {
    case "mine":
      return c.status === "open" && c.assigneeId === me.id;
    case "unassigned":
      return c.status === "open" && c.assigneeId === null;
    case "all":
      return c.status === "open";
    case "resolved":
      return c.status === "resolved" && (me.supervisor || c.assigneeId === me.id);
  }
}

/** The queue shows the longest waiting first; every other view the newest activity first. */
export function compareInView(view: ConversationView): (a: Conversation, b: Conversation) => number {
  if (view === "unassigned") return (a, b) => (a.queuedAt ?? Infinity) - (b.queuedAt ?? Infinity) || Number(a.id) - Number(b.id);
  return (a, b) => b.lastMessageAt - a.lastMessageAt || Number(b.id) - Number(a.id);
}

export function waitedFor(since: number, now = Date.now()): { seconds: number; minutes: number; hours: number } {
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const minutes = Math.floor(seconds / 60);
  return { seconds, minutes, hours: Math.floor(minutes / 60) };
}
