/**
 * Reading and writing a Durable Object's SQLite tables page by page, for workspace archives. Generic over the
 * schema on purpose: a table a later release adds is carried without anyone remembering to list it here.
 */

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** Where the migration library keeps the last migration it ran (see durable-utils/sql-migrations). */
const MIGRATION_KEY = "__sql_migrations_lastID";

export async function schemaVersion(storage: DurableObjectStorage): Promise<number> {
  return (await storage.get<number>(MIGRATION_KEY)) ?? 0;
}

/**
 * The object's own tables: not SQLite's or the runtime's, and not a full-text index's, whose shadow tables are
 * rebuilt from the rows they index.
 */
export function dataTables(sql: SqlStorage): string[] {
  const all = sql.exec<{ name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").toArray();
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql ?? "")).map((t) => t.name);
  return all
    .map((t) => t.name)
    // SQLite's own, and the runtime's (Cloudflare's _cf_*, the local runtime's __miniflare_*): ours start with a letter.
    .filter((name) => !name.startsWith("sqlite_") && !name.startsWith("_"))
    .filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

export function columnsOf(sql: SqlStorage, table: string): string[] {
  return sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, table).toArray().map((c) => c.name);
}

/** Up to `limit` rows after SQLite's rowid `after`, in rowid order; `next` is where the following page starts. */
export function readPage(sql: SqlStorage, table: string, after: number, limit: number): { rows: Row[]; next: number | null } {
  const page = sql.exec(`SELECT rowid AS "__rowid", * FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`, after, limit).toArray();
  const rows = page.map(({ __rowid: _, ...row }) => {
    for (const [key, value] of Object.entries(row)) {
      if (value instanceof ArrayBuffer) throw new Error(`${table}.${key} holds bytes, which an archive does not carry`);
    }
    return row as Row;
  });
  return { rows, next: page.length === limit ? (page.at(-1)!.__rowid as number) : null };
}

/** Inserts rows by column name; a column the table does not have is refused rather than dropped. */
export function writeRows(sql: SqlStorage, table: string, rows: Row[]): { ok: true } | { ok: false; message: string } {
  const known = new Set(columnsOf(sql, table));
  if (known.size === 0) return { ok: false, message: `this deployment has no table ${table}` };
  for (const row of rows) {
    const unknown = Object.keys(row).find((column) => !known.has(column));
    if (unknown) return { ok: false, message: `${table} has no column ${unknown} in this deployment` };
  }
  for (const row of rows) {
    const columns = Object.keys(row);
    if (columns.length === 0) continue;
    sql.exec(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ...columns.map((c) => row[c] ?? null),
    );
  }
  return { ok: true };
}

/** Empties every data table: an import that stopped half-way starts again from nothing. */
export function clearTables(sql: SqlStorage): void {
  for (const table of dataTables(sql)) sql.exec(`DELETE FROM "${table}"`);
}

export function hasRows(sql: SqlStorage, table: string): boolean {
  return sql.exec(`SELECT 1 FROM "${table}" LIMIT 1`).toArray().length > 0;
}
