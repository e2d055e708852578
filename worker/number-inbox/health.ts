import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { InboxContext } from "./context";
import type { Pushes } from "./pushes";
import type { Settings } from "./settings";
import type { StatusTally } from "./early-statuses";

export interface NumberHealth {
  tokenValid: boolean;
  detail: string;
  outboxLength: number;
  lastWebhookAt: number | null;
  openSockets: number;
  /** What became of every status the number received (the status lane's tally). */
  statuses: StatusTally;
}

/**
 * The number's health as the console shows it: the `events` table (webhook errors, unknown statuses, token
 * problems, skipped automatic messages) and the settings rows `token_invalid`, `last_webhook_at` and
 * `unconnected_deliveries`.
 */
/** How stale the stored `last_webhook_at` may be: a console reading minutes needs no write per webhook. */
const LAST_WEBHOOK_WRITE_EVERY_MS = 10_000;

export class Health {
  /** The latest webhook's time, newer than the stored one by at most LAST_WEBHOOK_WRITE_EVERY_MS. */
  private lastWebhookAt: number | null = null;
  private lastWebhookStoredAt = 0;

  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly pushes: Pushes,
  ) {}

  record(kind: string, detail: unknown): void {
    this.ctx.sql.exec("INSERT INTO events (kind, detail, at) VALUES (?, ?, ?)", kind, JSON.stringify(detail), this.ctx.now());
  }

  /** Webhook errors and token problems of this number; `detail` is JSON text. */
  events(viewer: Principal): Result<{ kind: string; detail: string; at: number }[]> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins read the number's events", "supervisors_only");
    return ok(this.ctx.sql.exec<{ kind: string; detail: string; at: number }>("SELECT kind, detail, at FROM events ORDER BY id DESC LIMIT 200").toArray());
  }

  /**
   * A webhook's part reached the number; the status lane's batches can arrive after a later POST, so the latest
   * wins. Kept in memory, and written at most every LAST_WEBHOOK_WRITE_EVERY_MS: a console reading minutes needs no
   * write per batch.
   */
  webhookArrived(at: number): void {
    if (at <= (this.lastWebhookAt ?? this.settings.get<number>("last_webhook_at") ?? 0)) return;
    this.lastWebhookAt = at;
    if (at - this.lastWebhookStoredAt < LAST_WEBHOOK_WRITE_EVERY_MS) return;
    this.settings.set("last_webhook_at", at);
    this.lastWebhookStoredAt = at;
  }

  /** Counts deliveries for a number nobody connected, so an operator can see Meta is sending them. */
  unconnectedDelivery(): void {
    this.settings.set("unconnected_deliveries", (this.settings.get<number>("unconnected_deliveries") ?? 0) + 1);
  }

  unconnectedDeliveries(): number {
    return this.settings.get<number>("unconnected_deliveries") ?? 0;
  }

  tokenInvalid(): string | null {
    return this.settings.get<string>("token_invalid");
  }

  /** Meta refused the token: recorded once, and the admins are told. */
  tokenRefused(reason: string): void {
    if (this.tokenInvalid()) return;
    this.settings.set("token_invalid", reason);
    this.record("token_invalid", { reason });
    this.pushes.health(false, reason);
  }

  /** A send went through (or a new token was saved): a token marked invalid is cleared, and the admins are told. */
  tokenWorks(): void {
    if (!this.tokenInvalid()) return;
    this.settings.delete("token_invalid");
    this.pushes.health(true, "ok");
  }

  report(outboxLength: number, openSockets: number, statuses: StatusTally): NumberHealth {
    const invalid = this.tokenInvalid();
    return { tokenValid: !invalid, detail: invalid ?? "ok", outboxLength, lastWebhookAt: this.lastWebhookAt ?? this.settings.get<number>("last_webhook_at"), openSockets, statuses };
  }
}
