import { BLOCK_DAYS, DAY_MS } from "../analytics/time-cells";

// The report rollups' migrations (27 and 28 in schema.ts): their tables, backfills and triggers, as they shipped.

/**
 * Migration 27's table, backfill and triggers. Each sample makes two rows' worth (its value in all hours, and in
 * business hours under `metric:business`); a conversation counts in 'conversations' with bin 0. Written as
 * language-report.ts writes them; the triggers' statements are this migration's own, as it shipped.
 */
export const LANGUAGE_BLOCKS_SQL = (() => {
  const block = (at: string) => `CAST(${at} / ${DAY_MS * BLOCK_DAYS} AS INTEGER)`;
  const upsert = (metric: string, language: string, at: string, bin: string, value: string) => `
    INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi) VALUES (${metric}, COALESCE(${language}, ''), ${block(at)}, ${bin}, 1, ${value}, ${value})
      ON CONFLICT (metric, block, language, bin) DO UPDATE SET count = count + 1, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi);`;
  // One value leaves a bin: its count drops, an empty bin goes, and a bin that lost its smallest or largest value
  // reads what its block's samples hold now (rare: a customer's language is detected before the times are recorded).
  const remove = (metric: string, language: string, at: string, bin: string, value: string, valueColumn: string, binColumn: string) => `
    UPDATE language_blocks SET count = count - 1 WHERE metric = ${metric} AND block = ${block(at)} AND language = COALESCE(${language}, '') AND bin = ${bin};
    DELETE FROM language_blocks WHERE metric = ${metric} AND block = ${block(at)} AND language = COALESCE(${language}, '') AND bin = ${bin} AND count <= 0;
    UPDATE language_blocks SET
        lo = (SELECT MIN(${valueColumn}) FROM samples s INDEXED BY samples_by_metric WHERE s.metric = OLD.metric AND s.at >= ${block(at)} * ${DAY_MS * BLOCK_DAYS} AND s.at < (${block(at)} + 1) * ${DAY_MS * BLOCK_DAYS} AND COALESCE(s.language, '') = COALESCE(${language}, '') AND ${binColumn} = ${bin}),
        hi = (SELECT MAX(${valueColumn}) FROM samples s INDEXED BY samples_by_metric WHERE s.metric = OLD.metric AND s.at >= ${block(at)} * ${DAY_MS * BLOCK_DAYS} AND s.at < (${block(at)} + 1) * ${DAY_MS * BLOCK_DAYS} AND COALESCE(s.language, '') = COALESCE(${language}, '') AND ${binColumn} = ${bin})
      WHERE metric = ${metric} AND block = ${block(at)} AND language = COALESCE(${language}, '') AND bin = ${bin} AND (lo = ${value} OR hi = ${value});`;
  const sampleUpserts = (row: "NEW") => `${upsert(`${row}.metric`, `${row}.language`, `${row}.at`, `${row}.bin`, `${row}.value`)}${upsert(
    `${row}.metric || ':business'`,
    `${row}.language`,
    `${row}.at`,
    `COALESCE(${row}.business_bin, ${row}.bin)`,
    `COALESCE(${row}.business_value, ${row}.value)`,
  )}`;
  const sampleRemovals = `${remove("OLD.metric", "OLD.language", "OLD.at", "OLD.bin", "OLD.value", "s.value", "s.bin")}${remove(
    "OLD.metric || ':business'",
    "OLD.language",
    "OLD.at",
    "COALESCE(OLD.business_bin, OLD.bin)",
    "COALESCE(OLD.business_value, OLD.value)",
    "COALESCE(s.business_value, s.value)",
    "COALESCE(s.business_bin, s.bin)",
  )}`;
  const conversationRemoval = `
    UPDATE language_blocks SET count = count - 1 WHERE metric = 'conversations' AND block = ${block("OLD.created_at")} AND language = COALESCE(OLD.language, '') AND bin = 0;
    DELETE FROM language_blocks WHERE metric = 'conversations' AND block = ${block("OLD.created_at")} AND language = COALESCE(OLD.language, '') AND bin = 0 AND count <= 0;`;
  const timed = "('first_response', 'resolution')";
  return `
    CREATE TABLE IF NOT EXISTS language_blocks (
      metric TEXT NOT NULL,
      language TEXT NOT NULL,
      block INTEGER NOT NULL,
      bin INTEGER NOT NULL,
      count INTEGER NOT NULL,
      lo REAL NOT NULL,
      hi REAL NOT NULL,
      PRIMARY KEY (metric, block, language, bin)
    );
    DELETE FROM language_blocks;
    INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT 'conversations', COALESCE(language, ''), ${block("created_at")}, 0, COUNT(*), 0, 0 FROM conversations GROUP BY 2, 3;
    INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT metric, COALESCE(language, ''), ${block("at")}, bin, COUNT(*), MIN(value), MAX(value) FROM samples WHERE metric IN ${timed} GROUP BY 1, 2, 3, 4;
    INSERT INTO language_blocks (metric, language, block, bin, count, lo, hi)
      SELECT metric || ':business', COALESCE(language, ''), ${block("at")}, COALESCE(business_bin, bin), COUNT(*), MIN(COALESCE(business_value, value)), MAX(COALESCE(business_value, value))
      FROM samples WHERE metric IN ${timed} GROUP BY 1, 2, 3, 4;
    -- New conversations and samples are counted by the statements that write them (language-report.ts): a trigger
    -- on INSERT would make every insert copy the pages it changes into a statement journal, about 30 µs each. These
    -- move what is counted when it changes after the fact, which no webhook's path does. Conversations and samples
    -- are never deleted one by one (a released number's tables are emptied whole, this one with them).
    -- A merge or an older message from the app's history can move a conversation's start to an earlier block.
    CREATE TRIGGER language_blocks_conversation_moved AFTER UPDATE OF language, created_at ON conversations
      WHEN OLD.language IS NOT NEW.language OR OLD.created_at IS NOT NEW.created_at
      BEGIN ${conversationRemoval} ${upsert("'conversations'", "NEW.language", "NEW.created_at", "0", "0")} END;
    CREATE TRIGGER language_blocks_sample_moved AFTER UPDATE OF language ON samples
      WHEN NEW.metric IN ${timed} AND OLD.language IS NOT NEW.language
      BEGIN ${sampleRemovals} ${sampleUpserts("NEW")} END;
  `;
})();

/**
 * Migration 28's table, backfill and triggers: per tag the customers carry, what their conversations count in each
 * block (conversations created, resolutions, first-response bins in all hours and in business hours). Written as
 * tag-report.ts writes them; the triggers' statements are this migration's own, as it shipped.
 */
export const TAG_BLOCKS_SQL = (() => {
  const B = DAY_MS * BLOCK_DAYS;
  const block = (at: string) => `CAST(${at} / ${B} AS INTEGER)`;
  // What the conversations matching `filter` (alias c) count: one row per metric, block and bin.
  const contributions = (filter: string) => `
    SELECT 'conversations' AS metric, ${block("c.created_at")} AS block, 0 AS bin, COUNT(*) AS n, 0 AS lo, 0 AS hi FROM conversations c WHERE ${filter} GROUP BY 2
    UNION ALL SELECT 'resolution', ${block("s.at")}, 0, COUNT(*), 0, 0
      FROM conversations c JOIN samples s INDEXED BY samples_by_conversation ON s.conversation_id = c.id AND s.metric = 'resolution' WHERE ${filter} GROUP BY 2
    UNION ALL SELECT 'first_response', ${block("s.at")}, s.bin, COUNT(*), MIN(s.value), MAX(s.value)
      FROM conversations c JOIN samples s INDEXED BY samples_by_conversation ON s.conversation_id = c.id AND s.metric = 'first_response' WHERE ${filter} GROUP BY 2, 3
    UNION ALL SELECT 'first_response:business', ${block("s.at")}, COALESCE(s.business_bin, s.bin), COUNT(*), MIN(COALESCE(s.business_value, s.value)), MAX(COALESCE(s.business_value, s.value))
      FROM conversations c JOIN samples s INDEXED BY samples_by_conversation ON s.conversation_id = c.id AND s.metric = 'first_response' WHERE ${filter} GROUP BY 2, 3`;
  // Those rows under every tag `tags` selects (a query with a tag_id column).
  const tagged = (tags: string, filter: string) =>
    `SELECT d.metric, d.block, g.tag_id, d.bin, d.n, d.lo, d.hi FROM (${contributions(filter)}) d, (${tags}) g`;
  const add = (tags: string, filter: string) => `
    INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi) SELECT * FROM (${tagged(tags, filter)}) WHERE true
      ON CONFLICT (metric, block, tag_id, bin) DO UPDATE SET count = count + excluded.count, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi);`;
  // The tag's first responses now in a row's block and bin: its new bounds when it lost its smallest or largest.
  const now = (fn: "MIN" | "MAX") => `(SELECT ${fn}(CASE WHEN tag_blocks.metric = 'first_response' THEN s.value ELSE COALESCE(s.business_value, s.value) END)
      FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s INDEXED BY samples_by_conversation ON s.conversation_id = c.id AND s.metric = 'first_response'
      WHERE t.tag_id = tag_blocks.tag_id AND s.at >= tag_blocks.block * ${B} AND s.at < (tag_blocks.block + 1) * ${B}
        AND (CASE WHEN tag_blocks.metric = 'first_response' THEN s.bin ELSE COALESCE(s.business_bin, s.bin) END) = tag_blocks.bin)`;
  const subtract = (tags: string, filter: string) => `
    UPDATE tag_blocks SET count = tag_blocks.count - d.n FROM (${tagged(tags, filter)}) d
      WHERE tag_blocks.metric = d.metric AND tag_blocks.block = d.block AND tag_blocks.tag_id = d.tag_id AND tag_blocks.bin = d.bin;
    DELETE FROM tag_blocks WHERE count <= 0 AND (metric, block, tag_id, bin) IN (SELECT metric, block, tag_id, bin FROM (${tagged(tags, filter)}));
    UPDATE tag_blocks SET lo = ${now("MIN")}, hi = ${now("MAX")}
      WHERE (metric, block, tag_id, bin) IN (SELECT metric, block, tag_id, bin FROM (${tagged(tags, filter)}) x WHERE x.metric LIKE 'first_response%')
        AND EXISTS (SELECT 1 FROM (${tagged(tags, filter)}) x WHERE x.metric = tag_blocks.metric AND x.block = tag_blocks.block AND x.tag_id = tag_blocks.tag_id
          AND x.bin = tag_blocks.bin AND (x.lo = tag_blocks.lo OR x.hi = tag_blocks.hi));`;
  const tagsOf = (contact: string) => `SELECT tag_id FROM contact_tags WHERE contact_id = ${contact}`;
  return `
    CREATE TABLE IF NOT EXISTS tag_blocks (
      metric TEXT NOT NULL,
      block INTEGER NOT NULL,
      tag_id TEXT NOT NULL,
      bin INTEGER NOT NULL,
      count INTEGER NOT NULL,
      lo REAL NOT NULL,
      hi REAL NOT NULL,
      PRIMARY KEY (metric, block, tag_id, bin)
    );
    DELETE FROM tag_blocks;
    INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'conversations', ${block("c.created_at")}, t.tag_id, 0, COUNT(*), 0, 0 FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id GROUP BY 2, 3;
    INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'resolution', ${block("s.at")}, t.tag_id, 0, COUNT(*), 0, 0
      FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'resolution' GROUP BY 2, 3;
    INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'first_response', ${block("s.at")}, t.tag_id, s.bin, COUNT(*), MIN(s.value), MAX(s.value)
      FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'first_response' GROUP BY 2, 3, 4;
    INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi)
      SELECT 'first_response:business', ${block("s.at")}, t.tag_id, COALESCE(s.business_bin, s.bin), COUNT(*), MIN(COALESCE(s.business_value, s.value)), MAX(COALESCE(s.business_value, s.value))
      FROM contact_tags t JOIN conversations c ON c.contact_id = t.contact_id JOIN samples s ON s.conversation_id = c.id AND s.metric = 'first_response' GROUP BY 2, 3, 4;
    -- New conversations and times are counted by the statements that write them (tag-report.ts); these count what
    -- changes after the fact: a tag added to or taken off a customer, a conversation moved to another customer (a
    -- merge) or to an earlier start. Deleting a tag clears its blocks first (contacts.ts removeTag).
    CREATE TRIGGER tag_blocks_tag_added AFTER INSERT ON contact_tags
      BEGIN ${add("SELECT NEW.tag_id AS tag_id", "c.contact_id = NEW.contact_id")} END;
    CREATE TRIGGER tag_blocks_tag_removed AFTER DELETE ON contact_tags
      BEGIN ${subtract("SELECT OLD.tag_id AS tag_id", "c.contact_id = OLD.contact_id")} END;
    CREATE TRIGGER tag_blocks_conversation_moved AFTER UPDATE OF contact_id ON conversations WHEN OLD.contact_id IS NOT NEW.contact_id
      BEGIN ${subtract(tagsOf("OLD.contact_id"), "c.id = NEW.id")} ${add(tagsOf("NEW.contact_id"), "c.id = NEW.id")} END;
    CREATE TRIGGER tag_blocks_conversation_started AFTER UPDATE OF created_at ON conversations
      WHEN ${block("OLD.created_at")} IS NOT ${block("NEW.created_at")}
      BEGIN
        UPDATE tag_blocks SET count = count - 1 WHERE metric = 'conversations' AND block = ${block("OLD.created_at")} AND bin = 0 AND tag_id IN (${tagsOf("NEW.contact_id")});
        DELETE FROM tag_blocks WHERE metric = 'conversations' AND block = ${block("OLD.created_at")} AND bin = 0 AND count <= 0 AND tag_id IN (${tagsOf("NEW.contact_id")});
        INSERT INTO tag_blocks (metric, block, tag_id, bin, count, lo, hi) SELECT 'conversations', ${block("NEW.created_at")}, tag_id, 0, 1, 0, 0 FROM contact_tags WHERE contact_id = NEW.contact_id
          ON CONFLICT (metric, block, tag_id, bin) DO UPDATE SET count = count + 1;
      END;
  `;
})();
