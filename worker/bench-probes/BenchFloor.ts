import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/**
 * The floors a webhook cannot beat on this runtime, for the benchmark only (issue #20): an object that is handed
 * the parsed webhook and does nothing (floor a), or stores one row (floor b). It owns one table and nothing else,
 * so what the benchmark measures through it is the runtime's own cost of an RPC and an insert.
 */
export class BenchFloor extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS floor_rows (wamid TEXT PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT NOT NULL)");
  }

  /** Floor (a): the argument crossed the RPC boundary (structured clone) and nothing is stored. */
  nothing(_payload: unknown): { stored: false } {
    return { stored: false };
  }

  /** Floor (b): the same, plus one SQLite insert of the message as a row, as small as a message row can be. */
  insertOne(wamid: string, payload: unknown): { stored: true } {
    this.sql.exec("INSERT OR IGNORE INTO floor_rows (wamid, received_at, body) VALUES (?, ?, ?)", wamid, Date.now(), JSON.stringify(payload));
    return { stored: true };
  }
}
