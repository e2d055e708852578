import type { Conversation, SocketEvent } from "../../shared/inbox";

/**
 * Pure decisions about interrupting the agent: which kind an event is, whether it may interrupt now, what the
 * toolbar badge says. The background's notifier does the I/O; these are tested without a browser.
 */

/** The kinds an agent can switch on or off in the panel's settings. */
export const ATTENTION_KINDS = ["assigned", "message", "mention", "waiting"] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export interface QuietHours {
  enabled: boolean;
  /** "HH:MM", local time; a span past midnight (22:00–08:00) is allowed. */
  from: string;
  to: string;
}

export interface AttentionSettings {
  kinds: Record<AttentionKind, boolean>;
  sound: boolean;
  quietHours: QuietHours;
  /** Set my status Away when the last side panel closes (off: I stay Available while the browser runs). */
  awayOnPanelClose: boolean;
}

export const DEFAULT_ATTENTION: AttentionSettings = {
  kinds: { assigned: true, message: true, mention: true, waiting: true },
  sound: false,
  quietHours: { enabled: false, from: "22:00", to: "08:00" },
  awayOnPanelClose: false,
};

/**
 * How long a customer may wait for an answer before the agent is told and the badge turns amber. The server does
 * not send the team's own target yet; until it does, the panel uses this one.
 */
export const WAIT_TARGET_MS = 5 * 60_000;

type NoticeKind = Extract<SocketEvent, { type: "notice" }>["kind"];

/** A server notice as one of the agent's kinds; null for news that interrupts nobody (a conversation taken away). */
export function kindOfNotice(kind: NoticeKind): Exclude<AttentionKind, "message"> | null {
  switch (kind) {
    case "assigned":
    case "transferred_in":
    case "reassigned_no_reply":
      return "assigned";
    case "mention":
      return "mention";
    case "no_reply_nudge":
      return "waiting";
    case "unassigned":
      return null;
  }
}

const minutesOf = (hhmm: string): number | null => {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) return null;
  const [h, m] = [Number(match[1]), Number(match[2])];
  return h < 24 && m < 60 ? h * 60 + m : null;
};

/** Whether `at` (local time) falls inside the quiet hours; `from` is inside, `to` is not; equal ends mean none. */
export function inQuietHours(quiet: QuietHours, at: Date): boolean {
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  if (!quiet.enabled || from === null || to === null || from === to) return false;
  const now = at.getHours() * 60 + at.getMinutes();
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/**
 * Whether this kind may raise a desktop notification now. Away means no interruptions except a colleague asking
 * for you by name; quiet hours and the agent's own switches silence everything; nobody is told about the
 * conversation they are looking at.
 */
export function mayInterrupt(
  kind: AttentionKind,
  context: { settings: AttentionSettings; away: boolean; now: Date; looking: boolean },
): boolean {
  if (!context.settings.kinds[kind] || context.looking) return false;
  if (context.away && kind !== "mention") return false;
  return !inQuietHours(context.settings.quietHours, context.now);
}

/**
 * Since when the customer waits for us: in the queue, or since their oldest unanswered message (the server's
 * `awaitingReplySince`; a server without it: their last message while it is unread).
 */
export function waitingSince(c: Conversation): number | null {
  if (c.status !== "open") return null;
  if (c.assigneeId === null) return c.queuedAt;
  if (c.awaitingReplySince !== undefined) return c.awaitingReplySince;
  return c.unread > 0 ? c.lastMessageAt : null;
}

/** Past the conversation's team's wait target (the server says which), or the default one. */
export function waitsPastTarget(c: Conversation, now: number): boolean {
  const since = waitingSince(c);
  const targetMs = c.waitTargetMinutes !== undefined ? c.waitTargetMinutes * 60_000 : WAIT_TARGET_MS;
  return since !== null && now - since >= targetMs;
}

/** The toolbar badge: my conversations with unread messages, amber while someone waits past the target. */
export function badgeOf(unreadMine: number, somebodyWaitsPastTarget: boolean): { text: string; color: string } {
  const text = unreadMine > 99 ? "99+" : unreadMine > 0 ? String(unreadMine) : somebodyWaitsPastTarget ? "!" : "";
  return { text, color: somebodyWaitsPastTarget ? "#b45309" : "#0b7a5d" };
}

/** A notification's id names its conversation, so there is one per conversation, updated in place. */
export function notificationId(phoneNumberId: string, conversationId: string): string {
  return `conversation:${phoneNumberId}:${conversationId}`;
}

export function parseNotificationId(id: string): { phoneNumberId: string; conversationId: string } | null {
  const match = /^conversation:([^:]+):([^:]+)$/.exec(id);
  return match ? { phoneNumberId: match[1]!, conversationId: match[2]! } : null;
}
