/** One shard's slice of email → workspace (the `accounts` table). Every email here hashes to this shard. */
export class Accounts {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  /** Insert-if-absent: false when another account already uses the email. */
  claim(email: string, workspaceId: string): boolean {
    return this.sql.exec("INSERT INTO accounts (email, workspace_id) VALUES (?, ?) ON CONFLICT (email) DO NOTHING", email, workspaceId).rowsWritten > 0;
  }

  /**
   * This shard's part of an import's accounts, all or none, read and written in one synchronous step. `taken`: emails
   * another workspace uses (then nothing is claimed). `claimed`: emails newly claimed now; ones this workspace already
   * held (an import that stopped half-way and runs again) count as its own and are not listed, so no rollback frees them.
   */
  claimAll(emails: string[], workspaceId: string): { taken: string[]; claimed: string[] } {
    const owners = emails.map((email) => ({ email, owner: this.workspaceOf(email) }));
    const taken = owners.filter((o) => o.owner !== null && o.owner !== workspaceId).map((o) => o.email);
    if (taken.length > 0) return { taken, claimed: [] };
    const claimed = owners.filter((o) => o.owner === null).map((o) => o.email);
    this.storage.transactionSync(() => {
      for (const email of claimed) this.sql.exec("INSERT INTO accounts (email, workspace_id) VALUES (?, ?)", email, workspaceId);
    });
    return { taken: [], claimed };
  }

  releaseOf(emails: string[], workspaceId: string): void {
    for (const email of emails) this.sql.exec("DELETE FROM accounts WHERE email = ? AND workspace_id = ?", email, workspaceId);
  }

  release(email: string): void {
    this.sql.exec("DELETE FROM accounts WHERE email = ?", email);
  }

  workspaceOf(email: string): string | null {
    return this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM accounts WHERE email = ?", email).toArray()[0]?.workspace_id ?? null;
  }
}
