import { describeBackAt, isOpen, nextOpening } from "../../shared/business-hours";
import type { AutomationLanguage, AutomationSettings } from "../../shared/automation";

/**
 * When automatic messages are due. Pure decisions over facts the number's object reads from its tables; the
 * object sends what these return through its outbox with a key that makes a second send impossible.
 */

/** First message ever on the number, or the first after `afterDays` of silence. */
export function welcomeDue(settings: AutomationSettings, previousInboundAt: number | null, now: number): boolean {
  if (!settings.welcome.enabled) return false;
  if (previousInboundAt === null) return true;
  const afterDays = settings.welcome.afterDays;
  return afterDays !== null && now - previousInboundAt >= afterDays * 86_400_000;
}

export type AwayReason = "closed" | "no_agent";

/**
 * Outside business hours, or inside them with the conversation left in the queue because nobody in the rotation
 * is Available; at most once per conversation in `everyHours`.
 */
export function awayDue(settings: AutomationSettings, facts: { assigned: boolean; lastAwayAt: number | null }, now: number): AwayReason | null {
  const away = settings.away;
  if (!away.enabled) return null;
  if (facts.lastAwayAt !== null && now - facts.lastAwayAt < away.everyHours * 3600_000) return null;
  if (!isOpen(settings.businessHours, now)) return "closed";
  return away.whenNoAgentAvailable && !facts.assigned ? "no_agent" : null;
}

/** What `{back at}` says: "from 09:00 tomorrow" when closed, "as soon as an agent is free" when nobody is. */
export function backAtPhrase(settings: AutomationSettings, reason: AwayReason, now: number, language: AutomationLanguage): string {
  if (reason === "no_agent") return language === "zh" ? "客服空闲后马上" : "as soon as an agent is free";
  const opening = nextOpening(settings.businessHours, now);
  if (opening === null) return language === "zh" ? "工作时间内" : "during our business hours";
  const when = describeBackAt(opening, now, settings.businessHours.timeZone, language);
  return language === "zh" ? `${when} 起` : `from ${when}`;
}

/** Waiting conversations due a queue update: waited `afterMinutes`, and the last update is `everyMinutes` old. */
export function queueUpdateDue(settings: AutomationSettings, facts: { queuedAt: number; lastUpdateAt: number | null }, now: number): boolean {
  const q = settings.queueUpdate;
  if (!q.enabled) return false;
  if (now - facts.queuedAt < q.afterMinutes * 60_000) return false;
  return facts.lastUpdateAt === null || now - facts.lastUpdateAt >= q.everyMinutes * 60_000;
}

/** When a waiting conversation next needs a queue update (for the alarm). */
export function nextQueueUpdateAt(settings: AutomationSettings, facts: { queuedAt: number; lastUpdateAt: number | null }): number | null {
  const q = settings.queueUpdate;
  if (!q.enabled) return null;
  return facts.lastUpdateAt === null ? facts.queuedAt + q.afterMinutes * 60_000 : facts.lastUpdateAt + q.everyMinutes * 60_000;
}

/**
 * An estimate from the number's recent waits: the median time conversations spent in the queue, times the
 * position (each one ahead is served first). Null without history.
 */
export function estimateWaitMs(position: number, recentWaitsMs: number[]): number | null {
  if (recentWaitsMs.length === 0) return null;
  const sorted = [...recentWaitsMs].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return Math.max(60_000, median * position);
}

export function describeWait(ms: number | null, language: AutomationLanguage): string {
  if (ms === null) return language === "zh" ? "几分钟" : "a few minutes";
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return language === "zh" ? `${minutes} 分钟` : `${minutes} min`;
  const hours = Math.round(minutes / 6) / 10;
  return language === "zh" ? `${hours} 小时` : `${hours} h`;
}

/**
 * Auto-resolve: the customer has been silent for `afterMinutes` since their last message, the agent has answered
 * (nobody is waiting on us), and the conversation has an agent: unassigned ones are never auto-resolved.
 */
export function autoResolveDue(
  settings: AutomationSettings,
  facts: { assigneeId: string | null; lastInboundAt: number | null; awaitingReplySince: number | null },
  now: number,
): boolean {
  const deadline = autoResolveAt(settings, facts);
  return deadline !== null && now >= deadline;
}

export function autoResolveAt(
  settings: AutomationSettings,
  facts: { assigneeId: string | null; lastInboundAt: number | null; awaitingReplySince: number | null },
): number | null {
  if (!settings.autoResolve.enabled || facts.assigneeId === null || facts.lastInboundAt === null || facts.awaitingReplySince !== null) return null;
  return facts.lastInboundAt + settings.autoResolve.afterMinutes * 60_000;
}

/** The agent is nudged this long before the no-reply reassignment would fire. */
export function nudgeAt(settings: AutomationSettings, noReplyMinutes: number | null, awaitingReplySince: number | null): number | null {
  if (!settings.noReplyNudge.enabled || noReplyMinutes === null || awaitingReplySince === null) return null;
  const lead = Math.min(settings.noReplyNudge.beforeMinutes, noReplyMinutes - 0.5);
  return awaitingReplySince + (noReplyMinutes - lead) * 60_000;
}

/** How long after a rating a customer's next text is taken as its comment rather than a new request. */
export const CSAT_COMMENT_WINDOW_MS = 10 * 60_000;
export const CSAT_ANSWER_WINDOW_MS = 24 * 3600_000;

/** The survey's list rows carry "csat:<conversation id>:<stars>", so the answer finds its conversation. */
export function csatRowId(conversationId: number, stars: number): string {
  return `csat:${conversationId}:${stars}`;
}

export function parseCsatChoice(choiceId: string | null | undefined): { conversationId: number; stars: number } | null {
  const match = /^csat:(\d+):([1-5])$/.exec(choiceId ?? "");
  return match ? { conversationId: Number(match[1]), stars: Number(match[2]) } : null;
}

export function csatRows(conversationId: number, language: AutomationLanguage) {
  const labels =
    language === "zh" ? ["非常不满意", "不满意", "一般", "满意", "非常满意"] : ["Very dissatisfied", "Dissatisfied", "Okay", "Satisfied", "Very satisfied"];
  return [5, 4, 3, 2, 1].map((stars) => ({ id: csatRowId(conversationId, stars), title: "★".repeat(stars), description: `${stars} · ${labels[stars - 1]}` }));
}
