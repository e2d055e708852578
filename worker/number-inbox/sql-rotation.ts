import type { RotationIndex, RotationMember } from "./routing";

interface MemberRow {
  id: string;
  status: string;
  present: number;
  load: number;
  capacity: number | null;
  position: number;
  [key: string]: SqlStorageValue;
}

/**
 * The number's rotation answered from indexed columns (`members_rotation`, `members_least_loaded`), which the
 * NumberInbox keeps current on every event that changes them. Same answers as `arrayRotation` over the members.
 */
export class SqlRotation implements RotationIndex {
  constructor(private readonly sql: SqlStorage) {}

  member(id: string): RotationMember | undefined {
    const row = this.sql.exec<MemberRow>("SELECT * FROM members WHERE id = ? AND in_rotation = 1", id).toArray()[0];
    return row ? { id: row.id, available: row.status === "available", present: row.present === 1, load: row.load, capacity: row.capacity } : undefined;
  }

  nextRoutable(afterId: string | null, exclude: readonly string[]): string | null {
    // One statement: the first routable member after the cursor, else the first from the top (wrapping round). Each
    // half walks the position index and stops at its first row; the second runs only when the first found none.
    const after = "COALESCE((SELECT position FROM members WHERE id = ?1 AND in_rotation = 1), -1)";
    const half = (comparison: string) =>
      `SELECT id FROM (SELECT id FROM members WHERE in_rotation = 1 AND routable = 1 AND position ${comparison} ${after}
         AND id NOT IN (SELECT value FROM json_each(?2)) ORDER BY position LIMIT 1)`;
    return (
      this.sql.exec<{ id: string }>(`${half(">")} UNION ALL ${half("<=")} LIMIT 1`, afterId, JSON.stringify(exclude)).toArray()[0]?.id ?? null
    );
  }

  leastLoaded(exclude: readonly string[]): string | null {
    return (
      this.sql
        .exec<{ id: string }>(
          `SELECT id FROM members WHERE in_rotation = 1 AND routable = 1 AND id NOT IN (SELECT value FROM json_each(?))
           ORDER BY load, position LIMIT 1`,
          JSON.stringify(exclude),
        )
        .toArray()[0]?.id ?? null
    );
  }
}
