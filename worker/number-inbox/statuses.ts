import type { DeliveryStatus } from "../../shared/inbox";
import type { WebhookStatus } from "../../shared/webhook";
import type { InboxContext } from "./context";
import { advanceDelivery, isDeliveryStatus } from "./delivery";
import type { Health } from "./health";
import type { Messages } from "./messages";

/**
 * Where Meta's status webhooks are applied: a message's delivery status (`status`, `error_code`, `error_title` on
 * `messages`) only moves forward (`delivery.ts` decides), and a status that outruns the Graph API's answer waits
 * in `early_statuses` until the message has its wamid.
 */
export class Statuses {
  constructor(
    private readonly ctx: InboxContext,
    private readonly messages: Messages,
    private readonly health: Health,
  ) {}

  /** A batch's statuses in order; returns how many belonged to a known message and the messages that changed. */
  applyAll(statuses: WebhookStatus[]): { applied: number; changed: number[] } {
    let applied = 0;
    const changed: number[] = [];
    for (const status of statuses) {
      if (!isDeliveryStatus(status.status)) {
        this.health.record("unknown_status", status);
        continue;
      }
      const error = status.errors?.[0];
      const result = this.apply(status.id, status.status, error?.code ?? null, error?.title ?? error?.message ?? null);
      if (!result) continue;
      applied++;
      if (result.changed) changed.push(result.messageId);
    }
    return { applied, changed };
  }

  /** Returns the message a status belongs to, or null when it is not known (yet) and is kept for later. */
  private apply(wamid: string, status: DeliveryStatus, code: number | null, title: string | null) {
    const messageId = this.messages.idByWamid(wamid);
    if (messageId === undefined) {
      this.ctx.sql.exec(
        "INSERT OR IGNORE INTO early_statuses (wamid, status, error_code, error_title) VALUES (?, ?, ?, ?)",
        wamid,
        status,
        code,
        title,
      );
      return null;
    }
    return { messageId, changed: this.advance(messageId, status, code, title) };
  }

  /** Moves a message's delivery status forward; returns whether it changed. */
  advance(messageId: number, incoming: DeliveryStatus, code: number | null, title: string | null): boolean {
    const current = this.ctx.sql.exec<{ status: string | null }>("SELECT status FROM messages WHERE id = ?", messageId).one();
    const from = (current.status ?? "pending") as DeliveryStatus;
    const next = advanceDelivery(from, incoming);
    if (next === from) return false;
    this.ctx.sql.exec(
      "UPDATE messages SET status = ?, error_code = ?, error_title = ? WHERE id = ?",
      next,
      next === "failed" ? code : null,
      next === "failed" ? title : null,
      messageId,
    );
    return true;
  }

  /** The Graph API accepted a message: it has its wamid now, and what arrived for it early applies. */
  accepted(messageId: number, wamid: string): void {
    this.messages.setWamid(messageId, wamid);
    this.advance(messageId, "accepted", null, null);
    // A status webhook can outrun the Graph API's answer; apply what arrived early.
    for (const early of this.ctx.sql.exec("SELECT * FROM early_statuses WHERE wamid = ?", wamid).toArray()) {
      this.advance(messageId, early.status as DeliveryStatus, early.error_code as number | null, early.error_title as string | null);
    }
    this.ctx.sql.exec("DELETE FROM early_statuses WHERE wamid = ?", wamid);
  }
}
