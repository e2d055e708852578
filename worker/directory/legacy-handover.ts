import { DESIGNATED_SHARD, shardIndexOf, type KeyKind } from "./shard";

/**
 * Moving a deployment from the single Directory object to its shards (issue #21). Each shard, the first time it
 * starts, pulls the rows whose keys hash to it from the legacy object, page by page, before it serves anything
 * (the Directory's constructor holds every request until this is done), so no request ever needs the legacy object
 * as a fallback. Idempotent: rows are inserted if absent and the shard notes it is done only after the last page, so
 * a shard that stopped half-way simply starts again. The legacy object itself is never written; on a deployment that
 * never had one it is created empty and answers each shard once.
 */

export const HANDOVER_PARTS = ["accounts", "numbers", "wabas", "throttle", "workspaces", "counters"] as const;
export type HandoverPart = (typeof HANDOVER_PARTS)[number];
type Row = Record<string, SqlStorageValue>;
export type HandoverPage = { rows: Row[]; next: string | null };

/** Rows scanned per call: a page stays far below an RPC's size limit even for long emails. */
const PAGE = 1000;

/** Each part: where the legacy rows are read, which column routes them, and where a shard writes them. */
const PARTS: Record<HandoverPart, { select: string; key: string; kind: KeyKind | null; into: string; columns: string[] }> = {
  accounts: { select: "SELECT email, workspace_id FROM accounts WHERE email > ? ORDER BY email LIMIT ?", key: "email", kind: "email", into: "accounts", columns: ["email", "workspace_id"] },
  numbers: { select: "SELECT phone_number_id, waba_id, workspace_id FROM numbers WHERE phone_number_id > ? ORDER BY phone_number_id LIMIT ?", key: "phone_number_id", kind: "number", into: "numbers", columns: ["phone_number_id", "waba_id", "workspace_id"] },
  // The same rows as `numbers`, routed by their WABA into the WABA index.
  wabas: { select: "SELECT phone_number_id, waba_id, workspace_id FROM numbers WHERE phone_number_id > ? AND waba_id IS NOT NULL ORDER BY phone_number_id LIMIT ?", key: "waba_id", kind: "waba", into: "waba_numbers", columns: ["waba_id", "phone_number_id", "workspace_id"] },
  throttle: { select: "SELECT address, state, updated_at FROM address_throttle WHERE address > ? ORDER BY address LIMIT ?", key: "address", kind: "address", into: "address_throttle", columns: ["address", "state", "updated_at"] },
  // The designated shard's: every workspace the old object knew of (it knew them by their accounts), and the counters.
  workspaces: { select: "SELECT DISTINCT workspace_id FROM accounts WHERE workspace_id > ? ORDER BY workspace_id LIMIT ?", key: "workspace_id", kind: null, into: "workspaces", columns: ["workspace_id"] },
  counters: { select: "SELECT name, value FROM counters WHERE name > ? ORDER BY name LIMIT ?", key: "name", kind: null, into: "counters", columns: ["name", "value"] },
};

/** The `after` a scan starts from (an empty string sorts before every key). */
export const FIRST_PAGE = "";

/** The legacy object's side: one page of a part, only the rows that belong to `shard`. */
export function legacyPage(sql: SqlStorage, shard: number, part: HandoverPart, after: string): HandoverPage {
  const spec = PARTS[part];
  const scanned = sql.exec<Row>(spec.select, after, PAGE).toArray();
  const scanKey = part === "wabas" ? "phone_number_id" : spec.key;
  const next = scanned.length === PAGE ? String(scanned[scanned.length - 1]![scanKey]) : null;
  const mine = spec.kind === null ? shard === DESIGNATED_SHARD : true;
  const rows = mine ? scanned.filter((r) => spec.kind === null || shardIndexOf(spec.kind, String(r[spec.key])) === shard) : [];
  return { rows, next };
}

/** A shard's side: every part, page by page, then the note that it is done. */
export async function adoptLegacyRows(sql: SqlStorage, storage: DurableObjectStorage, fetchPage: (part: HandoverPart, after: string) => Promise<HandoverPage>): Promise<void> {
  if (sql.exec("SELECT 1 FROM handover WHERE done = 1").toArray().length > 0) return;
  for (const part of HANDOVER_PARTS) {
    const { into, columns } = PARTS[part];
    const insert = `INSERT INTO ${into} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ON CONFLICT DO NOTHING`;
    let after: string | null = FIRST_PAGE;
    while (after !== null) {
      const page: HandoverPage = await fetchPage(part, after);
      storage.transactionSync(() => {
        for (const row of page.rows) sql.exec(insert, ...columns.map((c) => row[c] ?? null));
      });
      after = page.next;
    }
  }
  sql.exec("INSERT INTO handover (done) VALUES (1)");
}
