/**
 * The few facts about the whole deployment rather than one key. `workspaces` lives in the designated shard only
 * (worker/directory/shard.ts): which workspaces exist, for the single-company check, asked only when a workspace is
 * set up or imported, so one object answering it is no ceiling. `counters` is per shard: each counts what it saw,
 * and a reader sums the shards.
 */
export class DeploymentFacts {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Records a workspace as existing. On a single-company deployment it is refused when another already exists: the
   * check and the insert are one synchronous step, so two setups at once cannot both pass. `added`: it was new here
   * (what a failed setup takes back).
   */
  register(workspaceId: string, singleCompany: boolean): { refused: boolean; added: boolean } {
    const other = this.sql.exec("SELECT 1 FROM workspaces WHERE workspace_id != ? LIMIT 1", workspaceId).toArray().length > 0;
    if (singleCompany && other) return { refused: true, added: false };
    const added = this.sql.exec("INSERT INTO workspaces (workspace_id) VALUES (?) ON CONFLICT DO NOTHING", workspaceId).rowsWritten > 0;
    return { refused: false, added };
  }

  forget(workspaceId: string): void {
    this.sql.exec("DELETE FROM workspaces WHERE workspace_id = ?", workspaceId);
  }

  count(name: string): void {
    this.sql.exec("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1", name);
  }

  counter(name: string): number {
    return this.sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = ?", name).toArray()[0]?.value ?? 0;
  }
}
