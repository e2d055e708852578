import type { Row } from "./table-dump";

/**
 * What an archive leaves out and what it blanks, per kind of stored object. Three reasons only: the row signs
 * someone in or sends as the business (a credential never leaves its deployment), the row is derived and the
 * importing deployment recomputes it, or the row only means something to the running instance that wrote it.
 */
export interface ArchivePolicy {
  /** Tables not carried at all. */
  skip: ReadonlySet<string>;
  /** Per table: the row as archived, or null to leave that row out. */
  scrub: Readonly<Record<string, (row: Row) => Row | null>>;
}

export const workspacePolicy: ArchivePolicy = {
  skip: new Set([
    // Credentials: signed-in sessions, one-minute socket tickets, invitation and reset links.
    "sessions",
    "socket_tickets",
    "invites",
    // Derived from the rotation and teams each time a number's configuration is pushed.
    "number_members",
  ]),
  scrub: {
    // Nobody's password hash moves; the import hands each person a link to set one.
    people: (row) => ({ ...row, password_hash: "", sign_in_throttle: null }),
    // Sealed under this deployment's TOKEN_ENCRYPTION_KEY, which the other deployment does not have (nor should). And
    // which numbers this deployment's operator vouched for is no promise from the other one's: its operator decides.
    numbers: (row) => ({ ...row, access_token_sealed: null, ...("operator_connected" in row ? { operator_connected: 0 } : {}) }),
    // The id is written last by the import, as the sign that it finished.
    meta: (row) => (row.key === "id" ? null : row),
  },
};

export const numberPolicy: ArchivePolicy = {
  skip: new Set([
    // Who works on the number, their presence and load: pushed by the workspace and recomputed from conversations.
    "members",
    // Statuses waiting for a send in flight in the instance that kept them (number-inbox/early-statuses.ts): nothing
    // in another deployment can claim them, and they enter a number through that bounded store only.
    "early_statuses",
    // A bulk action's undo lives seconds and belongs to the session that acted.
    "bulk_undo",
  ]),
  scrub: {
    // The pushed configuration (it holds the sealed token); the workspace pushes it again after the import. How far
    // the search index has caught up is derived: the import rebuilds the index and sets it (number-inbox/messages.ts).
    settings: (row) => (row.key === "config" || row.key === "search_indexed_through" ? null : row),
  },
};

/** A table's rows as they go into the archive. */
export function archivedRows(policy: ArchivePolicy, table: string, rows: Row[]): Row[] {
  const scrub = policy.scrub[table];
  if (!scrub) return rows;
  return rows.map(scrub).filter((row): row is Row => row !== null);
}

/**
 * Whether an archive's table may be written: only tables the export itself produces, so an edited archive cannot
 * plant a session or a scrubbed column's value.
 */
export function importRefusal(policy: ArchivePolicy, table: string, rows: Row[], tables: readonly string[]): string | null {
  if (policy.skip.has(table)) return `${table} is never part of an archive`;
  if (!tables.includes(table)) return `this deployment has no table ${table}`;
  const scrub = policy.scrub[table];
  if (scrub) {
    const changed = rows.find((row) => !sameRow(scrub(row), row));
    if (changed) return `${table} holds a value an archive never carries (a credential or a derived setting)`;
  }
  return null;
}

/** Equal cell by cell, a missing cell counting as null (an archive may leave out a column that is null). */
function sameRow(a: Row | null, b: Row): boolean {
  if (a === null) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? null) === (b[k] ?? null));
}
