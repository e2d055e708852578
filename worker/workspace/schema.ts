import type { SQLSchemaMigration } from "durable-utils/sql-migrations";

/**
 * The Workspace's storage, as it grew: append-only, never edit an entry that has shipped, add a new one. Which
 * module owns each table is in Workspace.ts's table of contents.
 */
export const workspaceMigrations: SQLSchemaMigration[] = [
  {
    idMonotonicInc: 1,
    description: "people, sessions, numbers, memberships, socket tickets",
    sql: `
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS people (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'away',
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS sessions (
        token_hash TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS numbers (
        phone_number_id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        display_phone_number TEXT NOT NULL,
        connected_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS memberships (
        phone_number_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (phone_number_id, person_id)
      );
      CREATE TABLE IF NOT EXISTS socket_tickets (
        ticket_hash TEXT PRIMARY KEY,
        person_id TEXT NOT NULL,
        phone_number_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    idMonotonicInc: 2,
    description: "WABA per number, workspace events from account-level webhooks",
    sql: `
      ALTER TABLE numbers ADD COLUMN waba_id TEXT;
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        field TEXT NOT NULL,
        phone_number_id TEXT,
        waba_id TEXT,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL
      );
    `,
  },
  {
    idMonotonicInc: 3,
    description: "teams, capacity, per-number routing rules, derived number membership",
    sql: `
      ALTER TABLE people ADD COLUMN capacity INTEGER;
      CREATE TABLE IF NOT EXISTS teams (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mode TEXT NOT NULL DEFAULT 'round_robin',
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS team_members (
        team_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (team_id, person_id)
      );
      CREATE TABLE IF NOT EXISTS number_routing (phone_number_id TEXT PRIMARY KEY, settings TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS number_members (
        phone_number_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        PRIMARY KEY (phone_number_id, person_id)
      );
    `,
  },
  {
    idMonotonicInc: 4,
    description: "company tags and groups, contact attribute definitions, canned responses",
    sql: `
      CREATE TABLE IF NOT EXISTS tag_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, single_choice INTEGER NOT NULL DEFAULT 0, position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tags (id TEXT PRIMARY KEY, name TEXT NOT NULL, color TEXT NOT NULL, group_id TEXT, position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS attribute_defs (
        key TEXT PRIMARY KEY, label_en TEXT NOT NULL, label_zh TEXT NOT NULL, type TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '[]', agents_can_edit INTEGER NOT NULL DEFAULT 1, position INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS canned_responses (
        id TEXT PRIMARY KEY, shortcode TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
        language TEXT NOT NULL, owner_id TEXT, created_at INTEGER NOT NULL
      );
    `,
  },
  {
    idMonotonicInc: 5,
    description: "supervisor console: deactivation, throttling, invites, sealed number tokens, number health, team supervisors, canned visibility, audit log",
    sql: `
      ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE people ADD COLUMN status_changed_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE people ADD COLUMN sign_in_throttle TEXT;
      ALTER TABLE teams ADD COLUMN supervisor_ids TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE numbers ADD COLUMN access_token_sealed TEXT;
      ALTER TABLE numbers ADD COLUMN verified_name TEXT;
      ALTER TABLE numbers ADD COLUMN quality_rating TEXT NOT NULL DEFAULT 'UNKNOWN';
      ALTER TABLE numbers ADD COLUMN checked_at INTEGER;
      ALTER TABLE numbers ADD COLUMN disconnected_at INTEGER;
      ALTER TABLE canned_responses ADD COLUMN team_ids TEXT NOT NULL DEFAULT '[]';
      CREATE TABLE IF NOT EXISTS invites (
        id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, role TEXT NOT NULL,
        number_ids TEXT NOT NULL DEFAULT '[]', capacity INTEGER, note TEXT NOT NULL DEFAULT '', person_id TEXT,
        created_by TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS audit_log (
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,
        action TEXT NOT NULL, target TEXT NOT NULL, target_name TEXT NOT NULL, old_value TEXT, new_value TEXT
      );
      CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor_id, id);
    `,
  },
  {
    idMonotonicInc: 6,
    description: "automation per number: business hours and automatic messages",
    sql: "CREATE TABLE IF NOT EXISTS number_automation (phone_number_id TEXT PRIMARY KEY, settings TEXT NOT NULL)",
  },
  {
    idMonotonicInc: 7,
    description: "numbers the deployment's operator connected, which the deployment's token may serve",
    sql: "ALTER TABLE numbers ADD COLUMN operator_connected INTEGER NOT NULL DEFAULT 0",
  },
  {
    idMonotonicInc: 8,
    description: "each team's wait target: how long its customers may wait for an answer",
    sql: "ALTER TABLE teams ADD COLUMN wait_target_minutes INTEGER NOT NULL DEFAULT 5",
  },
];
