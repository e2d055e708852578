import type { AuditEntry, AuditQuery } from "../../shared/audit";
import { formatCsv } from "../../shared/csv";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";

/** Who changed which setting, when, from what to what. Written in the same step as the change it records. */
export interface AuditChange {
  action: string;
  target: string;
  targetName: string;
  oldValue: unknown;
  newValue: unknown;
}

const asText = (value: unknown): string | null => (value === undefined || value === null ? null : typeof value === "string" ? value : JSON.stringify(value));

export function recordAudit(sql: SqlStorage, actor: Pick<Principal, "personId" | "name">, change: AuditChange, now = Date.now()): void {
  sql.exec(
    "INSERT INTO audit_log (at, actor_id, actor_name, action, target, target_name, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    now,
    actor.personId,
    actor.name,
    change.action,
    change.target,
    change.targetName,
    asText(change.oldValue),
    asText(change.newValue),
  );
}

export function queryAudit(sql: SqlStorage, query: AuditQuery): AuditEntry[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (query.actorId) (where.push("actor_id = ?"), args.push(query.actorId));
  // instr and substr rather than LIKE: SQLite refuses LIKE patterns over 50 bytes, and a pasted filter can be longer.
  if (query.action) (where.push("substr(action, 1, length(?)) = ?"), args.push(query.action, query.action));
  if (query.q) {
    where.push("(instr(lower(target), lower(?)) > 0 OR instr(lower(target_name), lower(?)) > 0 OR instr(lower(old_value), lower(?)) > 0 OR instr(lower(new_value), lower(?)) > 0)");
    args.push(query.q, query.q, query.q, query.q);
  }
  if (query.from !== undefined) (where.push("at >= ?"), args.push(query.from));
  if (query.to !== undefined) (where.push("at < ?"), args.push(query.to));
  const rows = sql
    .exec(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`, ...args, query.limit)
    .toArray();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at as number,
    actorId: r.actor_id as string,
    actorName: r.actor_name as string,
    action: r.action as string,
    target: r.target as string,
    targetName: r.target_name as string,
    oldValue: (r.old_value as string | null) ?? null,
    newValue: (r.new_value as string | null) ?? null,
  }));
}

export function auditCsv(entries: AuditEntry[]): string {
  return formatCsv([
    ["time", "actor", "action", "target", "target name", "old value", "new value"],
    ...entries.map((e) => [new Date(e.at).toISOString(), e.actorName, e.action, e.target, e.targetName, e.oldValue ?? "", e.newValue ?? ""]),
  ]);
}

/** The audit_log table: written in the same step as each change, read by supervisors and admins. */
export class AuditLog {
  constructor(private readonly sql: SqlStorage) {}

  record(actor: Pick<Principal, "personId" | "name">, change: AuditChange): void {
    recordAudit(this.sql, actor, change);
  }

  list(principal: Principal, query: AuditQuery): Result<AuditEntry[]> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read the audit log", "supervisors_only");
    return ok(queryAudit(this.sql, query));
  }
}
