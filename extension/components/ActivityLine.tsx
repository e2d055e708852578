import type { Message } from "../../shared/inbox";
import { formatTime, t } from "../lib/i18n";
import { reasonText } from "../lib/reason-text";

/** One line of the conversation's own log: who got it and why, transfers with their note, resolves, reopens. */
export function ActivityLine({ message, nameOf: rosterName }: { message: Message; nameOf: (agentId: string | null) => string }) {
  const activity = message.content.activity;
  if (!activity) return null;
  // Someone acting from the console is not among the number's people: the line carries their name.
  const nameOf = (id: string | null) => (id !== null && activity.names?.[id]) || rosterName(id);
  const vars = {
    agent: nameOf(activity.agentId),
    actor: nameOf(activity.actorId) || "—",
    // Lines stored before reasons were codes keep the server's English sentence.
    reason: activity.reasonCode ? reasonText(activity.reasonCode, (id) => nameOf(id), activity.reason) : (activity.reason ?? ""),
  };
  return (
    <li class="activity-line" data-activity={activity.kind} data-message-id={message.id}>
      <span>{t(activity.kind === "resolved" && !activity.actorId ? "activity.resolvedAutomatically" : `activity.${activity.kind}`, vars)}</span>
      {activity.note && <span class="note"> · {t("activity.note", { note: activity.note })}</span>}
      <time> · {formatTime(message.timestamp)}</time>
    </li>
  );
}
