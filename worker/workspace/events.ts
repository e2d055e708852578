import type { WorkspaceEvent } from "../../shared/people";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Parts } from "./parts";

/** The events table: account-level webhook changes (templates, quality, account, calls, preferences), kept for supervisors. */
export class AccountEvents {
  constructor(private readonly w: Parts) {}

  record(changes: { entryId: string; phoneNumberId: string | null; field: string; value: unknown }[]): void {
    const now = Date.now();
    for (const change of changes) {
      this.w.sql.exec(
        "INSERT INTO events (field, phone_number_id, waba_id, detail, at) VALUES (?, ?, ?, ?, ?)",
        change.field,
        change.phoneNumberId,
        change.entryId,
        JSON.stringify(change.value ?? null),
        now,
      );
    }
  }

  /** `detail` is Meta's JSON as text: RPC return types must be serialisable, and `unknown` is not. */
  list(principal: Principal): Result<(Omit<WorkspaceEvent, "detail"> & { detail: string })[]> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read workspace events", "supervisors_only");
    const rows = this.w.sql.exec("SELECT * FROM events ORDER BY id DESC LIMIT 500").toArray();
    return ok(
      rows.map((r) => ({
        id: String(r.id),
        field: r.field as string,
        phoneNumberId: (r.phone_number_id as string | null) ?? null,
        wabaId: (r.waba_id as string | null) ?? null,
        detail: r.detail as string,
        at: r.at as number,
      })),
    );
  }
}
