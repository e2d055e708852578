import type { NumberReportData } from "../../shared/analytics";
import { mergeBins, sketchData, type Bins } from "../analytics/sketch";
import { BLOCK_MS, splitRange } from "../analytics/time-cells";
import { blockBins, countOf } from "./block-bins";

const COUNT_IN_BLOCK = `INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi) VALUES (?, ?, ?, ?, 1, ?, ?)
  ON CONFLICT (metric, block, tag_id, bin) DO UPDATE SET count = count + 1, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi)`;

/**
 * A conversation just created for a customer who carries tags, counted under each in its block. Called by each
 * statement that creates one (conversations.ts); a new customer carries none, so a webhook's new customer writes
 * nothing here. Tags added or removed later, and conversations moved between customers, are counted by triggers
 * (schema.ts 28).
 */
export function countTaggedConversation(sql: SqlStorage, tagIds: string[], createdAt: number): void {
  const block = Math.floor(createdAt / BLOCK_MS);
  for (const tagId of tagIds) sql.exec(COUNT_IN_BLOCK, "conversations", block, tagId, 0, 0, 0);
}

/** A first response or resolution just recorded (analytics.ts sampleEvent) for a customer who carries tags. */
export function countTaggedTime(
  sql: SqlStorage,
  tagIds: string[],
  metric: "first_response" | "resolution",
  at: number,
  value: { bin: number; value: number },
  business: { bin: number; value: number },
): void {
  const block = Math.floor(at / BLOCK_MS);
  for (const tagId of tagIds) {
    if (metric === "resolution") {
      sql.exec(COUNT_IN_BLOCK, "resolution", block, tagId, 0, 0, 0);
      continue;
    }
    sql.exec(COUNT_IN_BLOCK, "first_response", block, tagId, value.bin, value.value, value.value);
    sql.exec(COUNT_IN_BLOCK, "first_response:business", block, tagId, business.bin, business.value, business.value);
  }
}

/**
 * The table built again from the customers' tags, their conversations and samples, as migration 28 first built it:
 * after an import, whose rows arrive in any order while the triggers on contact_tags count as they come (archive.ts).
 */
export function rebuildTagBlocks(sql: SqlStorage): void {
  const block = (at: string) => `CAST(${at} / ?1 AS INTEGER)`;
  const tagged = "contact_tags t JOIN conversations c ON c.contact_id = t.contact_id";
  const firstResponses = `${tagged} JOIN samples s ON s.conversation_id = c.id AND s.metric = 'first_response'`;
  sql.exec("DELETE FROM tag_blocks");
  sql.exec(
    `INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'conversations', ${block("c.created_at")}, t.tag_id, 0, COUNT(*), 0, 0 FROM ${tagged} GROUP BY 2, 3`,
    BLOCK_MS,
  );
  sql.exec(
    `INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'resolution', ${block("s.at")}, t.tag_id, 0, COUNT(*), 0, 0 FROM ${tagged} JOIN samples s ON s.conversation_id = c.id AND s.metric = 'resolution' GROUP BY 2, 3`,
    BLOCK_MS,
  );
  sql.exec(
    `INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'first_response', ${block("s.at")}, t.tag_id, s.bin, COUNT(*), MIN(s.value), MAX(s.value) FROM ${firstResponses} GROUP BY 2, 3, 4`,
    BLOCK_MS,
  );
  sql.exec(
    `INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'first_response:business', ${block("s.at")}, t.tag_id, COALESCE(s.business_bin, s.bin), COUNT(*), MIN(COALESCE(s.business_value, s.value)),
        MAX(COALESCE(s.business_value, s.value))
      FROM ${firstResponses} GROUP BY 2, 3, 4`,
    BLOCK_MS,
  );
}

/**
 * Per tag the customers carry now (so a tag added after the conversation still counts): conversations created in
 * the range, resolutions recorded in it, and a sketch of the first responses recorded in it. Whole 32-day blocks
 * are read from tag_blocks, which is counted as conversations and times are written and kept equal to the
 * customers' tags by triggers (schema.ts 28); the parts of a block at either end of the range are read from the
 * conversations and samples themselves (`tagsFromRows`), so a year costs about 12 blocks and at most two partial
 * blocks of traffic.
 */
export function tagsOf(sql: SqlStorage, from: number, to: number, businessHours: boolean, rangeRows: number, plan?: "range" | "customers"): NumberReportData["tags"] {
  const table = new TagTable();
  const { cells, head, tail } = splitRange(from, to, BLOCK_MS);
  if (cells[0] < cells[1]) readBlocks(sql, table, cells, businessHours);
  for (const edge of [head, tail]) {
    // The rows an edge holds, about: its share of the range's.
    if (edge) tagsFromRows(sql, table, edge, businessHours, Math.ceil((rangeRows * (edge[1] - edge[0])) / Math.max(1, to - from)), plan);
  }
  return table.data();
}

/** Counts and first-response bins per tag, gathered from several sources. */
class TagTable {
  private conversations = new Map<string, number>();
  private resolved = new Map<string, number>();
  private bins = new Map<string, Bins[]>();

  addConversations(tagId: string, n: number): void {
    this.conversations.set(tagId, (this.conversations.get(tagId) ?? 0) + n);
  }

  addResolved(tagId: string, n: number): void {
    this.resolved.set(tagId, (this.resolved.get(tagId) ?? 0) + n);
  }

  addBins(tagId: string, bins: Bins): void {
    const parts = this.bins.get(tagId);
    if (parts) parts.push(bins);
    else this.bins.set(tagId, [bins]);
  }

  data(): NumberReportData["tags"] {
    const tags: NumberReportData["tags"] = {};
    const tag = (id: string) => (tags[id] ??= { conversations: 0, resolved: 0, firstResponse: sketchData([]) });
    for (const [id, n] of this.conversations) if (n > 0) tag(id).conversations = n;
    for (const [id, n] of this.resolved) if (n > 0) tag(id).resolved = n;
    for (const [id, parts] of this.bins) tag(id).firstResponse = sketchData(parts.length === 1 ? parts[0]! : mergeBins(parts));
    return tags;
  }
}

/** Whole blocks [first, last) from the maintained rollup. */
function readBlocks(sql: SqlStorage, table: TagTable, blocks: [number, number], businessHours: boolean): void {
  const firstResponse = businessHours ? "first_response:business" : "first_response";
  const read = blockBins(sql, "tag_blocks", "tag_id", ["conversations", "resolution", firstResponse], blocks);
  for (const [tagId, bins] of read.get("conversations") ?? []) table.addConversations(tagId, countOf(bins));
  for (const [tagId, bins] of read.get("resolution") ?? []) table.addResolved(tagId, countOf(bins));
  for (const [tagId, bins] of read.get(firstResponse) ?? []) table.addBins(tagId, bins);
}

/**
 * A partial block [from, to) from the conversations and samples. Of the two ways to it, from the range's
 * conversations and samples or from the tagged customers, the one with less to walk is taken (`rangeRows`: the
 * conversations and samples the range holds, about), so its cost is the smaller of the two.
 */
function tagsFromRows(sql: SqlStorage, table: TagTable, [from, to]: [number, number], businessHours: boolean, rangeRows: number, plan?: "range" | "customers"): void {
  // A tagged customer costs about four steps (the tag, their conversation, its two samples).
  const limit = Math.ceil(rangeRows / 4) + 1;
  const byCustomers = plan ? plan === "customers" : sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM contact_tags LIMIT ?)", limit).one().n < limit;
  const join = byCustomers
    ? "contact_tags t CROSS JOIN conversations c ON c.contact_id = t.contact_id"
    : "conversations c JOIN contact_tags t ON t.contact_id = c.contact_id";
  for (const row of sql
    .exec<{ tag_id: string; n: number }>(`SELECT t.tag_id, COUNT(*) AS n FROM ${join} WHERE c.created_at >= ? AND c.created_at < ? GROUP BY t.tag_id`, from, to)
    .toArray()) {
    table.addConversations(row.tag_id, row.n);
  }
  const [bin, value] = businessHours ? ["s.business_bin", "COALESCE(s.business_value, s.value)"] : ["s.bin", "s.value"];
  // Pinned: without statistics SQLite would rather walk the range's samples once per customer.
  const samples = byCustomers
    ? `${join} CROSS JOIN samples s INDEXED BY samples_by_conversation ON s.conversation_id = c.id`
    : `samples s INDEXED BY samples_by_metric CROSS JOIN conversations c ON c.id = s.conversation_id CROSS JOIN contact_tags t ON t.contact_id = c.contact_id`;
  const firstResponses = new Map<string, Bins>();
  for (const [tagId, metric, b, n, lo, hi] of sql
    .exec(
      `SELECT t.tag_id, s.metric, CASE WHEN s.metric = 'first_response' THEN ${bin} END AS b, COUNT(*), MIN(${value}), MAX(${value})
       FROM ${samples} WHERE s.metric IN ('first_response', 'resolution') AND s.at >= ? AND s.at < ? GROUP BY t.tag_id, s.metric, b`,
      from,
      to,
    )
    .raw()) {
    if (metric === "resolution") table.addResolved(tagId as string, n as number);
    else {
      let list = firstResponses.get(tagId as string);
      if (!list) firstResponses.set(tagId as string, (list = []));
      list.push([b as number, n as number, lo as number, hi as number]);
    }
  }
  for (const [tagId, list] of firstResponses) table.addBins(tagId, list);
}
