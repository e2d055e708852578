import type { ReasonCode } from "../../shared/message-content";

/**
 * Reasons as codes: what the number stores and sends for an activity line and an assignment, so the panel and the
 * console say it in their reader's language (extension `reason.*` keys). The English sentence is written here, once,
 * for API users and for the `reason` text kept beside the code. Pure.
 */

export const because = (code: string, params: ReasonCode["params"] = {}): ReasonCode => ({ code, params });

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${Math.max(1, minutes)} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** An automatic message's name, for the line saying it was not sent. */
const AUTOMATIONS: Record<string, string> = {
  welcome: "Welcome message",
  away: "Away message",
  queue_update: "Queue update",
  closing: "Closing message",
  csat: "Satisfaction survey",
  csat_thanks: "Thank-you for the rating",
};
/** Why an automatic message was not sent (the `problem` of a `not_sent` line). */
const PROBLEMS: Record<string, string> = {
  window_closed: "the 24-hour window is closed",
  no_recipient: "this customer has neither a phone number nor a WhatsApp user id to write to",
  disconnected: "the number is disconnected",
};

const silence = (minutes: number) => (minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`);

const waited = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);

/** The English sentence of a reason; `names` turns a person's id into their name. */
export function englishReason({ code, params: p }: ReasonCode, names: (id: string) => string): string {
  const name = (key: string) => names(String(p[key] ?? ""));
  switch (code) {
    case "sticky":
      return `sticky: served ${ago(Number(p.agoMs))}`;
    case "round_robin":
      return "round robin";
    case "queue":
      return `queued ${waited(Number(p.waitedMs))}, an agent became free`;
    case "reopened":
      return "reopened by the customer, same agent";
    case "transfer":
      return `transfer by ${name("byId")}`;
    case "team_transfer":
      return `transfer to team ${p.team} by ${name("byId")}`;
    case "team":
      return `team ${p.team}`;
    case "no_reply":
      return `no reply from ${name("fromId")} in ${p.minutes} min`;
    case "assignee_offline":
      return `${name("fromId")} went offline`;
    case "agent_deactivated":
      return `agent deactivated: ${name("fromId")}`;
    case "member_removed":
      return `${p.name} no longer works on this number`;
    case "claimed":
      return "claimed from the queue";
    case "started":
      return `started by ${name("byId")} with a template`;
    case "customer_wrote":
      return "the customer wrote again";
    case "snooze_ended":
      return "the snooze ended";
    case "undone":
      return "undone";
    case "until_reply":
      return "until the customer writes";
    case "until":
      return `until ${new Date(Number(p.at)).toISOString()}`;
    case "waiting_team":
      return `waiting for team ${p.team}`;
    case "nobody_free":
      return p.cause ? `${englishReason({ code: String(p.cause), params: p }, names)}; nobody can take it now; waiting in the queue` : "nobody can take it now; waiting in the queue";
    case "not_sent":
      return `${AUTOMATIONS[String(p.automation)] ?? p.automation} not sent: ${PROBLEMS[String(p.problem)] ?? p.problem}`;
    case "inactive":
      return `inactive: the customer was silent for ${silence(Number(p.minutes))}`;
    case "rating":
      return `${"★".repeat(Number(p.stars))} ${p.stars}/5`;
    default:
      return code;
  }
}
