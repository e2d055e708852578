import { getLocale } from "../lib/i18n";
import { tr } from "./strings";

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": how long someone has been in a status or a customer has waited. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return tr("options.duration.days", { d: days, h: hours % 24 });
  if (hours > 0) return tr("options.duration.hours", { h: hours, m: minutes % 60 });
  if (minutes > 0) return tr("options.duration.minutes", { m: minutes });
  return tr("options.duration.seconds", { s: seconds });
}

/** "3 min ago", "just now", or "never" for a time that has not happened. */
export function ago(at: number | null, now = Date.now()): string {
  if (at === null) return tr("options.time.never");
  if (now - at < 10_000) return tr("options.time.justNow");
  return tr("options.time.ago", { time: duration(now - at) });
}

export function dateTime(ms: number): string {
  return new Date(ms).toLocaleString(getLocale() === "zh" ? "zh-CN" : "en", { dateStyle: "medium", timeStyle: "short" });
}
