import { UNREADABLE_PREVIEW_CHARS, type UnreadableDelivery, type UnreadableList, type UnreadableReason } from "../../shared/unreadable";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { InboxContext } from "./context";
import { fingerprint } from "./fingerprint";
import { insertedId, rowsChanged } from "./inserted-row";
import type { Settings } from "./settings";

/** Newest first, this many at most, in a list answer. */
const LISTED = 100;
/** Listed deliveries kept; past it the oldest go, counted in `dropped`. */
export const MAX_LISTED = 500;
/** Characters of raw JSON kept in all (a few hundred MB at most in UTF-8); past it the oldest go too. */
export const MAX_KEPT_CHARS = 50_000_000;
/** Dismissed deliveries are remembered (without their JSON) so Meta's redeliveries of them stay dismissed. */
const MAX_DISMISSED = 5_000;
/** Raw JSON is stored in parts of this many UTF-16 units, each well under a row's 2 MB in UTF-8. */
const PART_CHARS = 400_000;

/** What a delivery is, to keep it once: its wamid when it has a usable one, otherwise its JSON. */
function dedupeKey(raw: string, wamid: string | null, reason: UnreadableReason): string {
  return wamid !== null ? `wamid:${reason}:${wamid}` : `json:${reason}:${fingerprint(raw)}`;
}

/** Cuts text into parts of at most PART_CHARS units, never inside a surrogate pair. */
function parts(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + PART_CHARS, text.length);
    if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1]!)) end--;
    out.push(text.slice(at, end));
    at = end;
  }
  return out.length > 0 ? out : [""];
}

type Row = {
  id: number;
  wamid: string | null;
  reason: UnreadableReason;
  detail: string;
  received_at: number;
  raw_chars: number;
};

/**
 * The number's unreadable deliveries: what a webhook carried that cannot be filed in a conversation (no sender, no
 * wamid, not a message, too large for a row…), kept raw with why and when for supervisors, who read and dismiss
 * them. Owns `unreadable_deliveries` and `unreadable_parts`. Bounded: at most MAX_LISTED listed and MAX_KEPT_CHARS of
 * JSON; past either, the oldest go and are counted (settings `unreadable_dropped`). A redelivery is kept once.
 */
export class Unreadable {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
  ) {}

  /** Keeps one delivery; returns false when it was already kept (Meta redelivers for days). */
  keep(delivery: { raw: string; reason: UnreadableReason; detail: string; wamid: string | null }, now: number): boolean {
    const { sql } = this.ctx;
    sql.exec(
      `INSERT INTO unreadable_deliveries (dedupe_key, wamid, reason, detail, received_at, raw_chars) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      dedupeKey(delivery.raw, delivery.wamid, delivery.reason),
      delivery.wamid,
      delivery.reason,
      delivery.detail,
      now,
      delivery.raw.length,
    );
    if (rowsChanged(sql) === 0) return false;
    const deliveryId = insertedId(sql);
    parts(delivery.raw).forEach((text, seq) => sql.exec("INSERT INTO unreadable_parts (delivery_id, seq, text) VALUES (?, ?, ?)", deliveryId, seq, text));
    this.trim();
    return true;
  }

  /** Oldest first, until the listed ones fit both bounds; dismissed ones beyond MAX_DISMISSED are forgotten. */
  private trim(): void {
    const { sql } = this.ctx;
    const listed = () => sql.exec<{ n: number; chars: number | null }>("SELECT COUNT(*) AS n, SUM(raw_chars) AS chars FROM unreadable_deliveries WHERE dismissed_at IS NULL").one();
    let dropped = 0;
    for (let now = listed(); now.n > MAX_LISTED || (now.chars ?? 0) > MAX_KEPT_CHARS; now = listed()) {
      // Never the last one: a single delivery over the character bound stays until a newer one arrives.
      if (now.n <= 1) break;
      this.forget(sql.exec<{ id: number }>("SELECT id FROM unreadable_deliveries WHERE dismissed_at IS NULL ORDER BY id LIMIT 1").one().id);
      dropped++;
    }
    if (dropped > 0) this.settings.set("unreadable_dropped", this.dropped() + dropped);
    sql.exec(
      `DELETE FROM unreadable_deliveries WHERE dismissed_at IS NOT NULL AND id NOT IN
         (SELECT id FROM unreadable_deliveries WHERE dismissed_at IS NOT NULL ORDER BY id DESC LIMIT ?)`,
      MAX_DISMISSED,
    );
  }

  private forget(id: number): void {
    this.ctx.sql.exec("DELETE FROM unreadable_parts WHERE delivery_id = ?", id);
    this.ctx.sql.exec("DELETE FROM unreadable_deliveries WHERE id = ?", id);
  }

  dropped(): number {
    return this.settings.get<number>("unreadable_dropped") ?? 0;
  }

  private rawOf(id: number, max: number): string {
    let text = "";
    for (const part of this.ctx.sql.exec<{ text: string }>("SELECT text FROM unreadable_parts WHERE delivery_id = ? ORDER BY seq", id)) {
      text += part.text;
      if (text.length >= max) break;
    }
    return text.slice(0, max);
  }

  private toApi(row: Row, rawMax: number): UnreadableDelivery {
    return {
      id: String(row.id),
      receivedAt: row.received_at,
      reason: row.reason,
      detail: row.detail,
      wamid: row.wamid,
      raw: this.rawOf(row.id, rawMax),
      rawChars: row.raw_chars,
    };
  }

  /** Newest first; each JSON shortened to its first UNREADABLE_PREVIEW_CHARS characters. Supervisors and admins. */
  list(viewer: Principal): Result<UnreadableList> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins read the unreadable deliveries", "supervisors_only");
    const rows = this.ctx.sql
      .exec<Row>("SELECT id, wamid, reason, detail, received_at, raw_chars FROM unreadable_deliveries WHERE dismissed_at IS NULL ORDER BY id DESC LIMIT ?", LISTED)
      .toArray();
    const total = this.ctx.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM unreadable_deliveries WHERE dismissed_at IS NULL").one().n;
    return ok({ deliveries: rows.map((r) => this.toApi(r, UNREADABLE_PREVIEW_CHARS)), total, dropped: this.dropped() });
  }

  /** One delivery with its whole JSON. */
  get(viewer: Principal, id: string): Result<UnreadableDelivery> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins read the unreadable deliveries", "supervisors_only");
    const row = this.ctx.sql
      .exec<Row>("SELECT id, wamid, reason, detail, received_at, raw_chars FROM unreadable_deliveries WHERE id = ? AND dismissed_at IS NULL", Number(id))
      .toArray()[0];
    return row ? ok(this.toApi(row, Number.MAX_SAFE_INTEGER)) : refuse(404, `no unreadable delivery ${id} (dismissed already?)`);
  }

  /** Off the list for everyone; its JSON is let go, the fact that it came is remembered so redeliveries stay away. */
  dismiss(viewer: Principal, id: string): Result<{ ok: true }> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins dismiss unreadable deliveries", "supervisors_only");
    return this.ctx.transaction(() => {
      const deliveryId = Number(id);
      this.ctx.sql.exec("UPDATE unreadable_deliveries SET dismissed_at = ?, dismissed_by = ?, raw_chars = 0 WHERE id = ? AND dismissed_at IS NULL", this.ctx.now(), viewer.personId, deliveryId);
      if (rowsChanged(this.ctx.sql) === 0) return refuse(404, `no unreadable delivery ${id} (dismissed already?)`);
      this.ctx.sql.exec("DELETE FROM unreadable_parts WHERE delivery_id = ?", deliveryId);
      this.trim();
      return ok({ ok: true as const });
    });
  }

  /** How many are listed: the options page's count. */
  count(): number {
    return this.ctx.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM unreadable_deliveries WHERE dismissed_at IS NULL").one().n;
  }
}
