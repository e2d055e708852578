import type { DeliveryStatus } from "../../shared/inbox";
import { t } from "../lib/i18n";
import { Check, CheckCheck, Clock, TriangleAlert } from "./icons";

const glyph: Record<DeliveryStatus, typeof Check> = {
  pending: Clock,
  accepted: Check,
  sent: Check,
  delivered: CheckCheck,
  read: CheckCheck,
  played: CheckCheck,
  failed: TriangleAlert,
};

/** WhatsApp-style ticks with the status in words for screen readers and hover. */
export function DeliveryTick({ status }: { status: DeliveryStatus }) {
  const label = t(`tick.${status}`);
  const Glyph = glyph[status];
  return (
    <span class={`tick ${status}`} data-status={status} title={label} aria-label={label} role="img">
      <Glyph />
    </span>
  );
}
