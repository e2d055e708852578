import type { DeliveryStatus } from "../../shared/inbox";
import { t } from "../lib/i18n";

const glyph: Record<DeliveryStatus, string> = {
  pending: "🕓",
  accepted: "✓",
  sent: "✓",
  delivered: "✓✓",
  read: "✓✓",
  played: "✓✓",
  failed: "!",
};

/** WhatsApp-style ticks with the status in words for screen readers and hover. */
export function DeliveryTick({ status }: { status: DeliveryStatus }) {
  const label = t(`tick.${status}`);
  return (
    <span class={`tick ${status}`} data-status={status} title={label} aria-label={label} role="img">
      {glyph[status]}
    </span>
  );
}
