import type { NumberReportData } from "../../shared/analytics";
import { mergeBins, sketchData, type Bins } from "../analytics/sketch";
import { BLOCK_MS, splitRange } from "../analytics/time-cells";
import { blockBins, countOf } from "./block-bins";

const COUNT_IN_BLOCK = `INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi) VALUES (?, ?, ?, ?, 1, ?, ?)
  ON CONFLICT (metric, block, language, bin) DO UPDATE SET count = count + 1, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi)`;

/**
 * A conversation just created, counted under its customer's language in its block. Called by each statement that
 * creates one (conversations.ts); later changes of language or start are moved by triggers (schema.ts 27).
 */
export function countConversation(sql: SqlStorage, language: string | null, createdAt: number): void {
  sql.exec(COUNT_IN_BLOCK, "conversations", language ?? "", Math.floor(createdAt / BLOCK_MS), 0, 0, 0);
}

/** A first response or resolution time just recorded (analytics.ts sampleEvent), in all hours and in business hours. */
export function countTime(
  sql: SqlStorage,
  metric: "first_response" | "resolution",
  language: string | null,
  at: number,
  value: { bin: number; value: number },
  business: { bin: number; value: number },
): void {
  const block = Math.floor(at / BLOCK_MS);
  sql.exec(COUNT_IN_BLOCK, metric, language ?? "", block, value.bin, value.value, value.value);
  sql.exec(COUNT_IN_BLOCK, `${metric}:business`, language ?? "", block, business.bin, business.value, business.value);
}

/**
 * The table built again from the conversations and samples, as migration 27 first built it. An import writes
 * those tables row by row in whatever order its archive holds them, so it rebuilds this one once they are all in
 * (archive.ts) rather than trust what the archive carried for it.
 */
export function rebuildLanguageBlocks(sql: SqlStorage): void {
  const timed = "('first_response', 'resolution')";
  sql.exec("DELETE FROM language_blocks");
  sql.exec(
    `INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT 'conversations', COALESCE(language, ''), CAST(created_at / ?1 AS INTEGER), 0, COUNT(*), 0, 0 FROM conversations GROUP BY 2, 3`,
    BLOCK_MS,
  );
  sql.exec(
    `INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT metric, COALESCE(language, ''), CAST(at / ?1 AS INTEGER), bin, COUNT(*), MIN(value), MAX(value) FROM samples WHERE metric IN ${timed} GROUP BY 1, 2, 3, 4`,
    BLOCK_MS,
  );
  sql.exec(
    `INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT metric || ':business', COALESCE(language, ''), CAST(at / ?1 AS INTEGER), COALESCE(business_bin, bin), COUNT(*), MIN(COALESCE(business_value, value)),
        MAX(COALESCE(business_value, value))
      FROM samples WHERE metric IN ${timed} GROUP BY 1, 2, 3, 4`,
    BLOCK_MS,
  );
}

/**
 * The report per customer language (as detected on an agent's device, `contacts.language`; '' when none was):
 * conversations created in the range, resolutions recorded in it, and sketches of its first responses and resolution
 * times. A language is the customer's now, and every conversation has exactly one, so the rows add up to the number's.
 *
 * Whole 32-day blocks are read from language_blocks, counted as conversations and samples are written and kept
 * equal to the copies of the language on them by triggers (schema.ts 22 and 27); the parts of a block at either end
 * of the range are read from those copies, each table through one covering index. A year therefore costs about 12 blocks and at most two
 * partial blocks of traffic, rather than every conversation and sample in it.
 */
export function languagesOf(sql: SqlStorage, from: number, to: number, businessHours: boolean): NumberReportData["languages"] {
  const table = new LanguageTable();
  const { cells, head, tail } = splitRange(from, to, BLOCK_MS);
  if (cells[0] < cells[1]) readBlocks(sql, table, cells, businessHours);
  for (const edge of [head, tail]) if (edge) readCopies(sql, table, edge, businessHours);
  return table.data();
}

/** Conversation counts and per-metric bins gathered from several sources, per language. */
class LanguageTable {
  private conversations = new Map<string, number>();
  private bins = new Map<string, Bins[]>();

  addConversations(code: string, n: number): void {
    this.conversations.set(code, (this.conversations.get(code) ?? 0) + n);
  }

  addBins(code: string, metric: "first_response" | "resolution", bins: Bins): void {
    const key = `${metric}\u0000${code}`;
    const parts = this.bins.get(key);
    if (parts) parts.push(bins);
    else this.bins.set(key, [bins]);
  }

  data(): NumberReportData["languages"] {
    const languages: NumberReportData["languages"] = {};
    const language = (code: string) => (languages[code] ??= { conversations: 0, resolved: 0, firstResponse: sketchData([]), resolution: sketchData([]) });
    for (const [code, n] of this.conversations) if (n > 0) language(code).conversations = n;
    for (const [key, parts] of this.bins) {
      const [metric, code] = key.split("\u0000") as ["first_response" | "resolution", string];
      const bins = parts.length === 1 ? parts[0]! : mergeBins(parts);
      if (metric === "resolution") {
        language(code).resolved = bins.reduce((sum, b) => sum + b[1], 0);
        language(code).resolution = sketchData(bins);
      } else language(code).firstResponse = sketchData(bins);
    }
    return languages;
  }
}

/** Whole blocks [first, last) from the maintained rollup. */
function readBlocks(sql: SqlStorage, table: LanguageTable, blocks: [number, number], businessHours: boolean): void {
  const suffix = businessHours ? ":business" : "";
  const read = blockBins(sql, "language_blocks", "language", ["conversations", `first_response${suffix}`, `resolution${suffix}`], blocks);
  for (const [code, bins] of read.get("conversations") ?? []) table.addConversations(code, countOf(bins));
  for (const [code, bins] of read.get(`first_response${suffix}`) ?? []) table.addBins(code, "first_response", bins);
  for (const [code, bins] of read.get(`resolution${suffix}`) ?? []) table.addBins(code, "resolution", bins);
}

/** A partial block [from, to) from the copies of the language the conversations and samples carry. */
function readCopies(sql: SqlStorage, table: LanguageTable, [from, to]: [number, number], businessHours: boolean): void {
  for (const [code, n] of sql
    .exec(
      `SELECT COALESCE(language, '') AS language, COUNT(*) FROM conversations INDEXED BY conversations_by_created
       WHERE created_at >= ? AND created_at < ? GROUP BY 1`,
      from,
      to,
    )
    .raw()) {
    table.addConversations(code as string, n as number);
  }
  const [bin, value] = businessHours ? ["business_bin", "COALESCE(business_value, value)"] : ["bin", "value"];
  const perMetric = new Map<string, Bins>();
  for (const [code, metric, b, n, lo, hi] of sql
    .exec(
      `SELECT COALESCE(language, '') AS language, metric, ${bin} AS b, COUNT(*), MIN(${value}), MAX(${value})
       FROM samples INDEXED BY samples_by_metric WHERE metric IN ('first_response', 'resolution') AND at >= ? AND at < ? GROUP BY 1, 2, 3`,
      from,
      to,
    )
    .raw()) {
    const key = `${metric as string}\u0000${code as string}`;
    let bins = perMetric.get(key);
    if (!bins) perMetric.set(key, (bins = []));
    bins.push([b as number, n as number, lo as number, hi as number]);
  }
  for (const [key, bins] of perMetric) {
    const [metric, code] = key.split("\u0000") as ["first_response" | "resolution", string];
    table.addBins(code, metric, bins);
  }
}
