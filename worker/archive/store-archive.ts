import { archivedRows, importRefusal, type ArchivePolicy } from "./policy";
import { clearTables, dataTables, readPage, schemaVersion, writeRows, type Row } from "./table-dump";
import { errorMessage } from "../lib/errors";

/** The part of a Durable Object an archive reads and writes. */
export interface Store {
  storage: DurableObjectStorage;
  sql: SqlStorage;
  policy: ArchivePolicy;
}

/** Kept beside the tables (not in them), so an import's own rows never meet it and no export carries it. */
const IMPORTING_KEY = "archive_import_unfinished";

/** The tables an archive carries for this object, and the schema they are in. */
export async function storeInfo(store: Store): Promise<{ schemaVersion: number; tables: string[] }> {
  return { schemaVersion: await schemaVersion(store.storage), tables: archivedTables(store) };
}

function archivedTables(store: Store): string[] {
  return dataTables(store.sql).filter((t) => !store.policy.skip.has(t));
}

export function storePage(store: Store, table: string, after: number, limit: number): { rows: Row[]; next: number | null } {
  if (!archivedTables(store).includes(table)) return { rows: [], next: null };
  const page = readPage(store.sql, table, after, limit);
  return { rows: archivedRows(store.policy, table, page.rows), next: page.next };
}

export async function importUnfinished(store: Store): Promise<boolean> {
  return (await store.storage.get<boolean>(IMPORTING_KEY)) === true;
}

/** Before the first rows: the archive's schema must be this object's, and whatever a stopped attempt left goes. */
export async function beginStoreImport(store: Store, archiveSchema: number, what: string): Promise<string | null> {
  const here = await schemaVersion(store.storage);
  if (archiveSchema !== here) {
    return `${what}: the archive was written under storage schema ${archiveSchema} and this deployment is at ${here}; run the same release on both sides (deploying upgrades the older one) and export again`;
  }
  clearTables(store.sql);
  await store.storage.put(IMPORTING_KEY, true);
  return null;
}

/** One page of an archived table, written in one transaction; nothing is written if any row is refused. */
export async function importStoreRows(store: Store, table: string, rows: Row[]): Promise<string | null> {
  if (!(await importUnfinished(store))) return "no import of this archive is under way here; begin it first";
  const refusal = importRefusal(store.policy, table, rows, dataTables(store.sql));
  if (refusal) return refusal;
  try {
    store.storage.transactionSync(() => {
      const written = writeRows(store.sql, table, rows);
      if (!written.ok) throw new RefusedRows(written.message);
    });
  } catch (error) {
    if (error instanceof RefusedRows) return error.message;
    // A constraint (a duplicate key, a missing NOT NULL value) names the row's problem in SQLite's words.
    return `${table}: ${errorMessage(error)}`;
  }
  return null;
}

/** The import is over for this object; what it now holds per table, for the importer to compare with the file. */
export async function finishStoreImport(store: Store): Promise<Record<string, number>> {
  await store.storage.delete(IMPORTING_KEY);
  return Object.fromEntries(archivedTables(store).map((t) => [t, archivedCount(store, t)]));
}

/** The rows an export of this table would carry now: a derived row the import itself wrote is not counted against the file. */
function archivedCount(store: Store, table: string): number {
  if (!store.policy.scrub[table]) return store.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`).one().n;
  return archivedRows(store.policy, table, store.sql.exec(`SELECT * FROM "${table}"`).toArray() as Row[]).length;
}

class RefusedRows extends Error {}
