import { t } from "../lib/i18n";

/** "23 h left" or "closed: send a template": the 24-hour customer service window, always visible. */
export function windowState(closesAt: number | null, now = Date.now()): { open: boolean; label: string } {
  if (closesAt === null) return { open: false, label: t("window.never") };
  const left = closesAt - now;
  if (left <= 0) return { open: false, label: t("window.closed") };
  if (left < 3600_000) return { open: true, label: t("window.minutes", { m: Math.max(1, Math.floor(left / 60_000)) }) };
  return { open: true, label: t("window.left", { h: Math.floor(left / 3600_000) }) };
}
