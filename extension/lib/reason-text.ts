import type { ReasonCode } from "../../shared/message-content";
import { formatTime, t, type Key } from "./i18n";

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t("time.seconds", { n: Math.max(1, Math.round(ms / 1000)) });
  return minutes < 120 ? t("time.minutes", { n: minutes }) : t("time.hours", { n: Math.round(minutes / 60) });
}

/**
 * A reason the server sent as a code (worker/number-inbox/reasons.ts), in the reader's language: people's ids become
 * their names, times and durations are formatted here. A code this panel does not know yet reads as the server's
 * English rather than as nothing.
 */
export function reasonText(reason: ReasonCode, nameOf: (id: string) => string, english: string | null): string {
  const p = reason.params;
  const key = `why.${reason.code}` as Parameters<typeof t>[0];
  let text: string;
  try {
    text = t(key, {
      ...p,
      by: nameOf(String(p.byId)),
      from: nameOf(String(p.fromId)),
      ago: duration(Number(p.agoMs)),
      time: reason.code === "until" ? formatTime(Number(p.at)) : duration(Number(p.waitedMs)),
      ...(reason.code === "not_sent" ? { what: t(`automation.${p.automation}` as Key), problem: t(`why.problem.${p.problem}` as Key) } : {}),
      ...(reason.code === "inactive" ? { silence: duration(Number(p.minutes) * 60_000) } : {}),
      ...(reason.code === "rating" ? { stars: "★".repeat(Number(p.stars)), n: p.stars } : {}),
    });
  } catch {
    return english ?? reason.code;
  }
  // "Back to the queue" says first what sent it there, when something did.
  return p.cause ? `${reasonText({ code: String(p.cause), params: { ...p, cause: "" } }, nameOf, null)}; ${text}` : text;
}
