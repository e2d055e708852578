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
    const after = afterId
      ? (this.sql.exec<{ position: number }>("SELECT position FROM members WHERE id = ? AND in_rotation = 1", afterId).toArray()[0]?.position ?? -1)
      : -1;
    const excluded = JSON.stringify(exclude);
    const pick = (comparison: string) =>
      this.sql
        .exec<{ id: string }>(
          `SELECT id FROM members WHERE in_rotation = 1 AND routable = 1 AND position ${comparison} ?
             AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT 1`,
          after,
          excluded,
        )
        .toArray()[0]?.id ?? null;
    return pick(">") ?? pick("<=");
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
