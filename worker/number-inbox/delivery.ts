import type { DeliveryStatus } from "../../shared/inbox";

const rank: Record<DeliveryStatus, number> = {
  pending: 0,
  accepted: 1,
  sent: 2,
  failed: 2,
  delivered: 3,
  read: 4,
  played: 5,
};

/**
 * Meta delivers status webhooks out of order and sometimes twice. A message's status only moves
 * forward (read then delivered stays read); `failed` replaces anything short of delivered.
 */
export function advanceDelivery(current: DeliveryStatus, incoming: DeliveryStatus): DeliveryStatus {
  if (incoming === "failed") return rank[current] < rank.delivered ? "failed" : current;
  if (current === "failed") return current;
  return rank[incoming] > rank[current] ? incoming : current;
}

export function isDeliveryStatus(value: string): value is DeliveryStatus {
  return value in rank;
}
