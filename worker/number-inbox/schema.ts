import type { SQLSchemaMigration } from "durable-utils/sql-migrations";
import { BIN_UPPER } from "../analytics/sketch";
import { BLOCK_DAYS, DAY_MS, HOUR_COLUMNS } from "../analytics/time-cells";
import { LANGUAGE_BLOCKS_SQL, TAG_BLOCKS_SQL } from "./rollup-migrations";

/** Append-only: never edit an entry that has shipped, add a new one. */
export const numberInboxMigrations: SQLSchemaMigration[] = [
  {
    idMonotonicInc: 1,
    description: "contacts, conversations, messages, rotation and settings",
    sql: `
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS members (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        status TEXT NOT NULL,
        position INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS contacts (
        id INTEGER PRIMARY KEY,
        wa_key TEXT NOT NULL UNIQUE,
        wa_id TEXT,
        name TEXT,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS conversations (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL,
        status TEXT NOT NULL,
        assignee_id TEXT,
        assignment_reason TEXT,
        queued_at INTEGER,
        created_at INTEGER NOT NULL,
        last_message_at INTEGER NOT NULL,
        last_inbound_at INTEGER,
        last_preview TEXT NOT NULL DEFAULT '',
        unread INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS conversations_by_contact ON conversations (contact_id, id);
      CREATE INDEX IF NOT EXISTS conversations_by_assignee ON conversations (assignee_id, status, last_message_at);
      CREATE INDEX IF NOT EXISTS conversations_queue ON conversations (queued_at) WHERE assignee_id IS NULL AND status = 'open';
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY,
        wamid TEXT UNIQUE,
        client_id TEXT UNIQUE,
        conversation_id INTEGER NOT NULL,
        direction TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT,
        status TEXT,
        error_code INTEGER,
        error_title TEXT,
        author_id TEXT,
        timestamp INTEGER NOT NULL,
        raw TEXT
      );
      CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, id);
      CREATE TABLE IF NOT EXISTS early_statuses (
        wamid TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code INTEGER,
        error_title TEXT,
        PRIMARY KEY (wamid, status)
      );
    `,
  },
  {
    idMonotonicInc: 2,
    description: "message content, business-scoped user ids, events, outbox, templates",
    sql: `
      ALTER TABLE messages ADD COLUMN content TEXT;
      ALTER TABLE contacts ADD COLUMN user_id TEXT;
      CREATE UNIQUE INDEX IF NOT EXISTS contacts_by_user_id ON contacts (user_id) WHERE user_id IS NOT NULL;
      CREATE UNIQUE INDEX IF NOT EXISTS contacts_by_wa_id ON contacts (wa_id) WHERE wa_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL UNIQUE,
        conversation_id INTEGER NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT
      );
      CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at);
      CREATE TABLE IF NOT EXISTS templates (
        name TEXT NOT NULL,
        language TEXT NOT NULL,
        status TEXT NOT NULL,
        category TEXT,
        components TEXT NOT NULL,
        synced_at INTEGER NOT NULL,
        PRIMARY KEY (name, language)
      );
    `,
  },
  {
    idMonotonicInc: 3,
    description: "routing: presence grace, capacity, sticky agent, no-reply timer, team queue, assignment history",
    sql: `
      ALTER TABLE members ADD COLUMN capacity INTEGER;
      ALTER TABLE members ADD COLUMN disconnected_at INTEGER;
      ALTER TABLE members ADD COLUMN in_rotation INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE contacts ADD COLUMN last_agent_id TEXT;
      ALTER TABLE contacts ADD COLUMN last_served_at INTEGER;
      ALTER TABLE conversations ADD COLUMN awaiting_reply_since INTEGER;
      ALTER TABLE conversations ADD COLUMN team_id TEXT;
      ALTER TABLE conversations ADD COLUMN resolved_at INTEGER;
      CREATE INDEX IF NOT EXISTS conversations_awaiting_reply ON conversations (awaiting_reply_since) WHERE awaiting_reply_since IS NOT NULL;
      CREATE TABLE IF NOT EXISTS assignments (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        previous_agent_id TEXT,
        reason_kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS assignments_by_conversation ON assignments (conversation_id, id);
    `,
  },
  {
    idMonotonicInc: 4,
    description: "incremental routing state: presence, load and routability kept per member, indexed",
    sql: `
      ALTER TABLE members ADD COLUMN present INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE members ADD COLUMN load INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE members ADD COLUMN routable INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX IF NOT EXISTS members_rotation ON members (in_rotation, routable, position);
      CREATE INDEX IF NOT EXISTS members_least_loaded ON members (in_rotation, routable, load, position);
      CREATE INDEX IF NOT EXISTS conversations_open_by_assignee ON conversations (assignee_id, status);
      CREATE INDEX IF NOT EXISTS members_disconnected ON members (disconnected_at) WHERE disconnected_at IS NOT NULL;
    `,
  },
  {
    idMonotonicInc: 5,
    description: "full-text search over message history (trigram, so Chinese and English words match)",
    sql: `
      CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='trigram');
      INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE text IS NOT NULL AND direction != 'activity';
      CREATE INDEX IF NOT EXISTS contacts_by_name ON contacts (name);
    `,
  },
  {
    idMonotonicInc: 6,
    description: "contact tags and attribute values, with who set them and when",
    sql: `
      CREATE TABLE IF NOT EXISTS contact_tags (
        contact_id INTEGER NOT NULL, tag_id TEXT NOT NULL, added_by TEXT, added_at INTEGER NOT NULL,
        PRIMARY KEY (contact_id, tag_id)
      );
      CREATE INDEX IF NOT EXISTS contact_tags_by_tag ON contact_tags (tag_id, contact_id);
      CREATE TABLE IF NOT EXISTS contact_attributes (
        contact_id INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_by TEXT, updated_at INTEGER NOT NULL,
        PRIMARY KEY (contact_id, key)
      );
    `,
  },
  {
    idMonotonicInc: 7,
    description: "who was mentioned in a private note, so they can open the conversation",
    sql: `
      CREATE TABLE IF NOT EXISTS note_mentions (
        conversation_id INTEGER NOT NULL, agent_id TEXT NOT NULL, message_id INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, agent_id, message_id)
      );
      CREATE INDEX IF NOT EXISTS note_mentions_by_agent ON note_mentions (agent_id, conversation_id);
    `,
  },
  {
    idMonotonicInc: 8,
    description: "snooze: a pending conversation wakes at a time or at the customer's next message",
    sql: `
      ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
      CREATE INDEX IF NOT EXISTS conversations_snoozed ON conversations (snoozed_until) WHERE status = 'pending';
    `,
  },
  {
    idMonotonicInc: 9,
    description: "indexes for the media check and the tab counts, which otherwise scan every row",
    sql: `
      CREATE INDEX IF NOT EXISTS messages_by_media ON messages (json_extract(content, '$.media.id'))
        WHERE json_extract(content, '$.media.id') IS NOT NULL;
      CREATE INDEX IF NOT EXISTS conversations_by_status ON conversations (status);
    `,
  },
  {
    idMonotonicInc: 10,
    description: "when each member's status or presence last changed, for the floor's time in status",
    sql: `
      ALTER TABLE members ADD COLUMN status_changed_at INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    idMonotonicInc: 11,
    description: "automation: away and queue-update throttles, no-reply nudge, satisfaction survey, resolve reason",
    sql: `
      ALTER TABLE conversations ADD COLUMN last_away_at INTEGER;
      ALTER TABLE conversations ADD COLUMN queue_updates INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN last_queue_update_at INTEGER;
      ALTER TABLE conversations ADD COLUMN nudged_at INTEGER;
      ALTER TABLE conversations ADD COLUMN resolve_reason TEXT;
      ALTER TABLE conversations ADD COLUMN csat_sent_at INTEGER;
      ALTER TABLE conversations ADD COLUMN csat_agent_id TEXT;
      ALTER TABLE conversations ADD COLUMN csat_stars INTEGER;
      ALTER TABLE conversations ADD COLUMN csat_rated_at INTEGER;
      ALTER TABLE conversations ADD COLUMN csat_comment TEXT;
      ALTER TABLE assignments ADD COLUMN waited_ms INTEGER;
      CREATE INDEX IF NOT EXISTS assignments_from_queue ON assignments (id) WHERE waited_ms IS NOT NULL;
    `,
  },
  {
    idMonotonicInc: 12,
    description: "analytics: hourly counts per agent, one sample per conversation for times and ratings, presence changes",
    sql: `
      CREATE TABLE IF NOT EXISTS rollups (
        hour INTEGER NOT NULL, metric TEXT NOT NULL, agent_id TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL,
        PRIMARY KEY (hour, metric, agent_id)
      );
      CREATE TABLE IF NOT EXISTS samples (
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, metric TEXT NOT NULL, agent_id TEXT NOT NULL DEFAULT '',
        conversation_id INTEGER NOT NULL, value INTEGER NOT NULL, business_value INTEGER
      );
      CREATE INDEX IF NOT EXISTS samples_by_time ON samples (at);
      CREATE INDEX IF NOT EXISTS samples_by_metric ON samples (metric, at);
      CREATE TABLE IF NOT EXISTS presence_log (id INTEGER PRIMARY KEY, agent_id TEXT NOT NULL, state TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS presence_by_agent ON presence_log (agent_id, at);
      ALTER TABLE conversations ADD COLUMN frt_pending_since INTEGER;
      ALTER TABLE conversations ADD COLUMN opened_at INTEGER;
      CREATE INDEX IF NOT EXISTS conversations_by_created ON conversations (created_at);
      -- Per-agent totals over a range read this index alone, in order, without sorting.
      CREATE INDEX IF NOT EXISTS rollups_by_agent ON rollups (metric, agent_id, hour, count);
      CREATE INDEX IF NOT EXISTS presence_by_time ON presence_log (at);
    `,
  },
  {
    idMonotonicInc: 13,
    description: "analytics read from rollups: counts per day with a column per hour and per 32-day block, sketches of times and ratings per day and block, cumulative presence; backfilled from the hourly rollups and the samples",
    sql: `
      CREATE TABLE IF NOT EXISTS rollup_days (
        metric TEXT NOT NULL, agent_id TEXT NOT NULL, day INTEGER NOT NULL, total INTEGER NOT NULL DEFAULT 0,
        ${HOUR_COLUMNS.map((h) => `${h} INTEGER NOT NULL DEFAULT 0`).join(", ")},
        PRIMARY KEY (metric, agent_id, day)
      );
      -- An agent's totals over whole days read this index alone.
      CREATE INDEX IF NOT EXISTS rollup_days_totals ON rollup_days (metric, agent_id, day, total);
      CREATE TABLE IF NOT EXISTS rollup_blocks (
        metric TEXT NOT NULL, agent_id TEXT NOT NULL, block INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (metric, agent_id, block)
      );
      CREATE TABLE IF NOT EXISTS sketch_days (
        metric TEXT NOT NULL, day INTEGER NOT NULL, agent_id TEXT NOT NULL, bin INTEGER NOT NULL,
        count INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL,
        PRIMARY KEY (metric, day, agent_id, bin)
      );
      CREATE INDEX IF NOT EXISTS sketch_days_cover ON sketch_days (metric, day, agent_id, bin, count, lo, hi);
      CREATE TABLE IF NOT EXISTS sketch_blocks (
        metric TEXT NOT NULL, agent_id TEXT NOT NULL, bin INTEGER NOT NULL, block INTEGER NOT NULL,
        count INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL,
        PRIMARY KEY (metric, agent_id, bin, block)
      );
      -- In (metric, agent, bin) order, so a range is summed in one pass without sorting.
      CREATE INDEX IF NOT EXISTS sketch_blocks_cover ON sketch_blocks (metric, agent_id, bin, block, count, lo, hi);

      -- Counts: every event in the number's row ('*'), an agent's also in theirs and their block.
      INSERT INTO rollup_days (metric, agent_id, day, total, ${HOUR_COLUMNS.join(", ")})
        SELECT metric, '*', hour / 24, SUM(count), ${HOUR_COLUMNS.map((_, h) => `SUM(CASE WHEN hour % 24 = ${h} THEN count ELSE 0 END)`).join(", ")}
        FROM rollups WHERE metric NOT LIKE 'assigned:%' GROUP BY metric, hour / 24;
      INSERT INTO rollup_days (metric, agent_id, day, total, ${HOUR_COLUMNS.join(", ")})
        SELECT metric, agent_id, hour / 24, SUM(count), ${HOUR_COLUMNS.map((_, h) => `SUM(CASE WHEN hour % 24 = ${h} THEN count ELSE 0 END)`).join(", ")}
        FROM rollups WHERE agent_id != '' GROUP BY metric, agent_id, hour / 24;
      INSERT INTO rollup_blocks (metric, agent_id, block, count)
        SELECT metric, agent_id, hour / ${24 * BLOCK_DAYS}, SUM(count) FROM rollups WHERE agent_id != '' GROUP BY metric, agent_id, hour / ${24 * BLOCK_DAYS};
      DROP TABLE rollups;

      -- Each sample's bin, and its bin in business hours (the value itself when not measured), as binOf() finds it.
      ALTER TABLE samples ADD COLUMN bin INTEGER;
      ALTER TABLE samples ADD COLUMN business_bin INTEGER;
      CREATE TABLE sketch_bounds (bin INTEGER PRIMARY KEY, upper INTEGER NOT NULL UNIQUE);
      INSERT INTO sketch_bounds (bin, upper) VALUES ${BIN_UPPER.map((upper, bin) => `(${bin},${upper})`).join(",")};
      UPDATE samples SET
        bin = (SELECT b.bin FROM sketch_bounds b WHERE b.upper >= samples.value ORDER BY b.upper LIMIT 1),
        business_bin = CASE WHEN metric = 'csat' THEN NULL ELSE
          (SELECT b.bin FROM sketch_bounds b WHERE b.upper >= COALESCE(samples.business_value, samples.value) ORDER BY b.upper LIMIT 1) END;
      DROP TABLE sketch_bounds;
      -- The slowest first responses of a range, walked from the top; a tagged customer's conversations' samples.
      CREATE INDEX IF NOT EXISTS samples_by_value ON samples (metric, value, at);
      CREATE INDEX IF NOT EXISTS samples_by_conversation ON samples (conversation_id, metric, at, bin, value, business_bin, business_value);

      INSERT INTO sketch_days (metric, day, agent_id, bin, count, lo, hi)
        SELECT metric, at / ${DAY_MS}, agent_id, bin, COUNT(*), MIN(value), MAX(value) FROM samples GROUP BY metric, at / ${DAY_MS}, agent_id, bin;
      INSERT INTO sketch_days (metric, day, agent_id, bin, count, lo, hi)
        SELECT metric || ':business', at / ${DAY_MS}, agent_id, business_bin, COUNT(*), MIN(COALESCE(business_value, value)), MAX(COALESCE(business_value, value))
        FROM samples WHERE metric != 'csat' GROUP BY metric, at / ${DAY_MS}, agent_id, business_bin;
      INSERT INTO sketch_blocks (metric, agent_id, bin, block, count, lo, hi)
        SELECT metric, agent_id, bin, at / ${DAY_MS * BLOCK_DAYS}, COUNT(*), MIN(value), MAX(value) FROM samples GROUP BY metric, agent_id, bin, at / ${DAY_MS * BLOCK_DAYS};
      INSERT INTO sketch_blocks (metric, agent_id, bin, block, count, lo, hi)
        SELECT metric || ':business', agent_id, business_bin, at / ${DAY_MS * BLOCK_DAYS}, COUNT(*), MIN(COALESCE(business_value, value)), MAX(COALESCE(business_value, value))
        FROM samples WHERE metric != 'csat' GROUP BY metric, agent_id, business_bin, at / ${DAY_MS * BLOCK_DAYS};

      -- Time in each state from the agent's first change up to this one, so any range is two lookups per agent.
      ALTER TABLE presence_log ADD COLUMN available_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE presence_log ADD COLUMN away_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE presence_log ADD COLUMN offline_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE presence_log SET available_ms = c.available, away_ms = c.away, offline_ms = c.offline FROM (
        SELECT id,
          SUM(CASE WHEN previous = 'available' THEN at - since ELSE 0 END) OVER w AS available,
          SUM(CASE WHEN previous = 'away' THEN at - since ELSE 0 END) OVER w AS away,
          SUM(CASE WHEN previous = 'offline' THEN at - since ELSE 0 END) OVER w AS offline
        FROM (SELECT id, agent_id, at, LAG(state) OVER w AS previous, LAG(at) OVER w AS since FROM presence_log WINDOW w AS (PARTITION BY agent_id ORDER BY at, id))
        WINDOW w AS (PARTITION BY agent_id ORDER BY at, id)
      ) AS c WHERE c.id = presence_log.id;
    `,
  },
  {
    idMonotonicInc: 14,
    description: "identities without made-up keys, usernames, unreadable deliveries, stored times brought within reason",
    sql: `
      -- A contact is found by its own columns (wa_id, user_id), NULL when absent, each under a unique index: no key is
      -- made up from them any more. wa_key (the old made-up key: the phone, "user:<id>" or "unknown:<wamid>") stays as
      -- it was for the rows that have one and is no longer read or written; the table is rebuilt so new rows need none.
      CREATE TABLE contacts_v13 (
        id INTEGER PRIMARY KEY,
        wa_key TEXT,
        wa_id TEXT,
        name TEXT,
        first_seen_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        user_id TEXT,
        last_agent_id TEXT,
        last_served_at INTEGER,
        username TEXT
      );
      INSERT INTO contacts_v13 (id, wa_key, wa_id, name, first_seen_at, last_seen_at, user_id, last_agent_id, last_served_at)
        SELECT id, wa_key, wa_id, name, first_seen_at, last_seen_at, user_id, last_agent_id, last_served_at FROM contacts;
      DROP TABLE contacts;
      ALTER TABLE contacts_v13 RENAME TO contacts;
      -- An empty id was stored as if it named someone; it names nobody.
      UPDATE contacts SET wa_id = NULL WHERE trim(wa_id) = '';
      UPDATE contacts SET user_id = NULL WHERE trim(user_id) = '';
      CREATE UNIQUE INDEX contacts_by_wa_id ON contacts (wa_id) WHERE wa_id IS NOT NULL;
      CREATE UNIQUE INDEX contacts_by_user_id ON contacts (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX contacts_by_name ON contacts (name);

      CREATE TABLE IF NOT EXISTS unreadable_deliveries (
        id INTEGER PRIMARY KEY,
        dedupe_key TEXT NOT NULL UNIQUE,
        wamid TEXT,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        raw_chars INTEGER NOT NULL,
        dismissed_at INTEGER,
        dismissed_by TEXT
      );
      CREATE INDEX IF NOT EXISTS unreadable_listed ON unreadable_deliveries (id) WHERE dismissed_at IS NULL;
      CREATE TABLE IF NOT EXISTS unreadable_parts (
        delivery_id INTEGER NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (delivery_id, seq)
      );

      -- Times stored before the edge checked them: a fraction of a millisecond is dropped; a time before 2009, more
      -- than five minutes ahead, or not a number (Infinity reads back as null) becomes the conversation's creation time,
      -- and a list row's times follow its messages. 1230768000000 is 2009-01-01 (received-time.ts).
      UPDATE messages SET timestamp = CAST(timestamp AS INTEGER)
        WHERE typeof(timestamp) = 'real' AND timestamp BETWEEN 1230768000000 AND CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 300000;
      UPDATE messages SET timestamp = COALESCE((SELECT c.created_at FROM conversations c WHERE c.id = messages.conversation_id), 1230768000000)
        WHERE typeof(timestamp) != 'integer' OR timestamp < 1230768000000 OR timestamp > CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 300000;
      UPDATE conversations SET last_message_at = MAX(created_at, COALESCE((SELECT MAX(m.timestamp) FROM messages m WHERE m.conversation_id = conversations.id), 0))
        WHERE typeof(last_message_at) != 'integer' OR last_message_at < 1230768000000 OR last_message_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 300000;
      UPDATE conversations SET last_inbound_at = (SELECT MAX(m.timestamp) FROM messages m WHERE m.conversation_id = conversations.id AND m.direction = 'in')
        WHERE last_inbound_at IS NOT NULL
          AND (typeof(last_inbound_at) != 'integer' OR last_inbound_at < 1230768000000 OR last_inbound_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 300000);
    `,
  },
  {
    idMonotonicInc: 15,
    description: "status lane: early statuses kept with their time (bounded by sends in flight, a time-to-live and a cap), and the tally of every status",
    sql: `
      CREATE TABLE IF NOT EXISTS status_tally (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
      -- The rows an older release kept for ever can never be claimed: the sends they waited for ended with the
      -- instance that made them, and deploying restarts it. They go, counted as expired; the table is made anew with
      -- the time each row is kept (so this step also runs again cleanly on a table it already made).
      INSERT INTO status_tally (name, n) SELECT 'expired', COUNT(*) FROM early_statuses WHERE true
        ON CONFLICT (name) DO UPDATE SET n = n + excluded.n;
      DROP TABLE early_statuses;
      CREATE TABLE early_statuses (
        wamid TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code INTEGER,
        error_title TEXT,
        kept_at INTEGER NOT NULL,
        PRIMARY KEY (wamid, status)
      );
      CREATE INDEX early_statuses_by_age ON early_statuses (kept_at);
    `,
  },
  {
    idMonotonicInc: 16,
    description: "a bulk action's undo, kept a few seconds for the person who acted (bulk.ts)",
    sql: `
      CREATE TABLE IF NOT EXISTS bulk_undo (
        id TEXT PRIMARY KEY,
        actor_id TEXT NOT NULL,
        action TEXT NOT NULL,
        entries TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    idMonotonicInc: 17,
    description: "why a conversation is with its assignee, as a code the reader's panel translates (reasons.ts)",
    sql: `
      -- Rows assigned before keep their English sentence in assignment_reason and read with a null code.
      ALTER TABLE conversations ADD COLUMN assignment_reason_code TEXT;
    `,
  },
  {
    idMonotonicInc: 18,
    description: "the customer's language, as detected on an agent's device",
    sql: `ALTER TABLE contacts ADD COLUMN language TEXT;`,
  },
  {
    idMonotonicInc: 19,
    description: "coexistence with the WhatsApp Business app: where a message came from, and when a contact's name was given",
    sql: `
      -- NULL: the inbox's own messages and the customer's live ones; 'business_app' or 'history' (coexistence.ts).
      ALTER TABLE messages ADD COLUMN origin TEXT;
      -- When the name was last given (the customer's profile or the business's address book): the newer one wins.
      ALTER TABLE contacts ADD COLUMN name_at INTEGER;
    `,
  },
  {
    idMonotonicInc: 20,
    description: "the search index is written in batches: every message stored so far is indexed already (messages.ts)",
    sql: `
      INSERT OR REPLACE INTO settings (key, value) VALUES ('search_indexed_through', (SELECT coalesce(max(id), 0) FROM messages));
    `,
  },
  {
    idMonotonicInc: 21,
    description:
      "conversations_open_by_assignee (assignee_id, status) is the head of conversations_by_assignee (assignee_id, status, last_message_at), which answers the same lookups: one index fewer to write for every new or reassigned conversation",
    sql: `
      DROP INDEX IF EXISTS conversations_open_by_assignee;
    `,
  },
  {
    idMonotonicInc: 22,
    description:
      "the customer's language copied onto their conversations and those conversations' samples, so a report by language reads two covering indexes instead of joining every conversation and sample of the range to its customer (analytics.ts)",
    sql: `
      ALTER TABLE conversations ADD COLUMN language TEXT;
      ALTER TABLE samples ADD COLUMN language TEXT;
      UPDATE conversations SET language = (SELECT k.language FROM contacts k WHERE k.id = conversations.contact_id);
      UPDATE samples SET language = (SELECT c.language FROM conversations c WHERE c.id = samples.conversation_id);
      DROP INDEX IF EXISTS conversations_by_created;
      CREATE INDEX conversations_by_created ON conversations (created_at, language);
      DROP INDEX IF EXISTS samples_by_metric;
      CREATE INDEX samples_by_metric ON samples (metric, at, language, bin, value, business_bin, business_value);
      -- Rows are written with the language they belong to (conversations.ts, analytics.ts); these keep the copies
      -- true when it changes afterwards: a customer's language is detected, or their conversations move to another.
      CREATE TRIGGER contacts_language_copies AFTER UPDATE OF language ON contacts
        BEGIN UPDATE conversations SET language = NEW.language WHERE contact_id = NEW.id AND language IS NOT NEW.language; END;
      CREATE TRIGGER conversations_contact_language AFTER UPDATE OF contact_id ON conversations
        BEGIN UPDATE conversations SET language = (SELECT k.language FROM contacts k WHERE k.id = NEW.contact_id) WHERE id = NEW.id; END;
      CREATE TRIGGER conversations_language_copies AFTER UPDATE OF language ON conversations
        BEGIN UPDATE samples SET language = NEW.language WHERE conversation_id = NEW.id AND language IS NOT NEW.language; END;
    `,
  },
  {
    idMonotonicInc: 23,
    description:
      "a conversation's language copy is rewritten only when it moves to another customer whose language differs: a merge between two customers of the same language wrote every moved conversation again",
    sql: `
      DROP TRIGGER IF EXISTS conversations_contact_language;
      CREATE TRIGGER conversations_contact_language AFTER UPDATE OF contact_id ON conversations WHEN OLD.contact_id IS NOT NEW.contact_id
        BEGIN UPDATE conversations SET language = (SELECT k.language FROM contacts k WHERE k.id = NEW.contact_id)
          WHERE id = NEW.id AND language IS NOT (SELECT k.language FROM contacts k WHERE k.id = NEW.contact_id); END;
    `,
  },
  {
    idMonotonicInc: 24,
    description:
      "a contact's username is dated like its name, so two halves of a customer merge to the username the latest payload carried, not the one of the half seen last (contacts.ts); a username stored before counts as seen when its contact last was",
    sql: `
      ALTER TABLE contacts ADD COLUMN username_at INTEGER;
    `,
  },
  {
    idMonotonicInc: 25,
    description:
      "a supervisor's Resolved tab reads resolved conversations newest activity first from an index instead of sorting every one ever resolved; only resolving (and the rare message to a resolved conversation) writes it, not each message of an open one. It leads with the status so that the planner, which has no statistics, prefers it to conversations_by_status",
    sql: `
      CREATE INDEX IF NOT EXISTS conversations_resolved_by_activity ON conversations (status, last_message_at) WHERE status = 'resolved';
    `,
  },
  {
    idMonotonicInc: 26,
    description:
      "a contact's detected language is dated like its name and username, so two halves of a customer merge to the latest detection, not the language of the half seen last (contacts.ts); one detected before counts as detected when its contact last was",
    sql: `
      ALTER TABLE contacts ADD COLUMN language_at INTEGER;
    `,
  },
  {
    idMonotonicInc: 27,
    description:
      "the report by language reads maintained 32-day blocks per language (conversations created, and sketches of first responses and resolution times in all hours and in business hours) instead of every conversation and sample of the range, so a year costs about 12 blocks whatever the traffic was (language-report.ts). Triggers keep the blocks equal to the copies of the customer's language: a row moves when its language changes, and a bin that loses its smallest or largest value reads its new bounds from the samples of that block",
    sql: LANGUAGE_BLOCKS_SQL,
  },
  {
    idMonotonicInc: 28,
    description:
      "the report per tag reads maintained 32-day blocks per tag (conversations created, resolutions, sketches of first responses in all hours and in business hours) instead of walking the range's conversations and samples or the tagged customers' history (tag-report.ts). Triggers count a tag added to or taken off a customer and a conversation moved to another customer or to an earlier start; a bin that loses its smallest or largest value reads its new bounds from the tag's samples of that block",
    sql: TAG_BLOCKS_SQL,
  },
  {
    idMonotonicInc: 29,
    description:
      "an attribute keeps the name of who saved it, as an activity line keeps its actor's: an admin or supervisor who is not on the number's roster is named in the customer panel rather than shown as an unknown id",
    sql: `
      ALTER TABLE contact_attributes ADD COLUMN updated_by_name TEXT;
    `,
  },
];
