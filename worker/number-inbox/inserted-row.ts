/**
 * What the last write did, read after it instead of with RETURNING.
 *
 * The row an INSERT just wrote, read back by its rowid; what `INSERT … RETURNING` would give.
 *
 * Not RETURNING itself: SQLite runs RETURNING as a trigger, and a statement with a trigger that may abort (any NOT
 * NULL or UNIQUE column can) first copies every page it will change into a statement journal. Inside a step's
 * savepoint that journal grows past 64 KiB within a few statements and becomes a temporary file written a page at
 * a time: on end to end at 3,000 customers/s offered, 18 % of the runtime's samples (bench/README.md). This read is
 * one lookup of a page already in memory.
 */
export function insertedRow<T extends Record<string, SqlStorageValue>>(sql: SqlStorage, table: string, columns: string): T {
  return sql.exec<T>(`SELECT ${columns} FROM ${table} WHERE rowid = last_insert_rowid()`).one();
}

/**
 * The id of the row an INSERT just wrote, for tables whose `id` is INTEGER PRIMARY KEY (the rowid itself): read from
 * the connection, not from the table.
 */
export function insertedId(sql: SqlStorage): number {
  return sql.exec<{ id: number }>("SELECT last_insert_rowid() AS id").one().id;
}

/** How many rows the last INSERT, UPDATE or DELETE changed (0 for an INSERT that was ignored); what RETURNING would count. */
export function rowsChanged(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
}
