import { archivedRows, importRefusal, type ArchivePolicy } from "./policy";
import { clearTables, dataTables, readPage, schemaVersion, writeRows, type Row } from "./table-dump";

/** The part of a Durable Object an archive reads and writes. */
export interface Store {
  storage: DurableObjectStorage;
  sql: SqlStorage;
  policy: ArchivePolicy;
}

/** The tables an archive carries for this object, and the schema they are in. */
export async function storeInfo(store: Store): Promise<{ schemaVersion: number; tables: string[] }> {
  return { schemaVersion: await schemaVersion(store.storage), tables: dataTables(store.sql).filter((t) => !store.policy.skip.has(t)) };
}

export function storePage(store: Store, table: string, after: number, limit: number): { rows: Row[]; next: number | null } {
  if (store.policy.skip.has(table) || !dataTables(store.sql).includes(table)) return { rows: [], next: null };
  const page = readPage(store.sql, table, after, limit);
  return { rows: archivedRows(store.policy, table, page.rows), next: page.next };
}

/** Before the first rows: the archive's schema must be this object's, and whatever a stopped attempt left goes. */
export async function beginStoreImport(store: Store, archiveSchema: number, what: string): Promise<string | null> {
  const here = await schemaVersion(store.storage);
  if (archiveSchema !== here) {
    return `${what}: the archive was written under storage schema ${archiveSchema} and this deployment is at ${here}; run the same release on both sides (deploying upgrades the older one) and export again`;
  }
  clearTables(store.sql);
  return null;
}

/** One page of an archived table, written in one transaction; nothing is written if any row is refused. */
export function importStoreRows(store: Store, table: string, rows: Row[]): string | null {
  const refusal = importRefusal(store.policy, table, rows, dataTables(store.sql));
  if (refusal) return refusal;
  let result: ReturnType<typeof writeRows> = { ok: true };
  try {
    store.storage.transactionSync(() => {
      result = writeRows(store.sql, table, rows);
      if (!result.ok) throw new RefusedRows(result.message);
    });
  } catch (error) {
    if (error instanceof RefusedRows) return error.message;
    // A constraint (a duplicate key, a missing NOT NULL value) names the row's problem in SQLite's words.
    return `${table}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

class RefusedRows extends Error {}
