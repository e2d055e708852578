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

  /**
   * The runtime's stalls over `seconds`: a 1 ms timer loop in this object, which shares the worker's isolate and
   * thread here, and how late each tick fired. A late tick is time no request of the isolate could run (a long task,
   * a garbage collection); the flood's diagnostics compare a quiet minute with a flooded one (bench/flood.ts).
   */
  async stalls(seconds: number): Promise<{ ticks: number; over10ms: number; over20ms: number; over40ms: number; longestMs: number[] }> {
    const end = Date.now() + seconds * 1000;
    const late: number[] = [];
    while (Date.now() < end) {
      const before = Date.now();
      await new Promise((tick) => setTimeout(tick, 1));
      late.push(Date.now() - before - 1);
    }
    late.sort((a, b) => b - a);
    const over = (ms: number) => late.filter((l) => l > ms).length;
    return { ticks: late.length, over10ms: over(10), over20ms: over(20), over40ms: over(40), longestMs: late.slice(0, 8) };
  }
}
