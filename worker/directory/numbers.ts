/**
 * One shard's slice of number → workspace (the `numbers` table, keyed by phone-number id) and of WABA → workspace
 * (`waba_numbers`, keyed by WABA id). A number's own shard decides who owns it; the WABA's shard keeps an index of
 * which owned numbers a WABA has, so an account-level change naming only its WABA is one lookup. The index is written
 * after the owner changes, by `directoryFor` (worker/directory/client.ts), and only ever follows it.
 */

/** Who owns a number now, and the WABA ids whose index must follow a change (`was`: the one it had before). */
export type OwnerChange = { owner: string; wabaId: string | null; was: string | null };

export class NumberOwners {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {}

  /**
   * Insert-if-absent: an owner is never overwritten here. Synchronous from the read to the write, so two claims cannot
   * both win. The owner's own claim may name the number's WABA (a null keeps the one known).
   */
  claim(phoneNumberId: string, wabaId: string | null, workspaceId: string): OwnerChange {
    const before = this.row(phoneNumberId);
    if (before && before.workspace_id !== workspaceId) return { owner: before.workspace_id, wabaId: before.waba_id, was: before.waba_id };
    this.sql.exec(
      `INSERT INTO numbers (phone_number_id, waba_id, workspace_id) VALUES (?, ?, ?)
       ON CONFLICT (phone_number_id) DO UPDATE SET waba_id = COALESCE(excluded.waba_id, numbers.waba_id) WHERE numbers.workspace_id = excluded.workspace_id`,
      phoneNumberId,
      wabaId,
      workspaceId,
    );
    return { owner: workspaceId, wabaId: wabaId ?? before?.waba_id ?? null, was: before?.waba_id ?? null };
  }

  /** This shard's part of an import's numbers, all or none, as `Accounts.claimAll` does for emails. */
  claimAll(numbers: { phoneNumberId: string; wabaId: string | null }[], workspaceId: string): { taken: string[]; claimed: string[] } {
    const owners = numbers.map((n) => ({ ...n, owner: this.row(n.phoneNumberId)?.workspace_id ?? null }));
    const taken = owners.filter((n) => n.owner !== null && n.owner !== workspaceId).map((n) => n.phoneNumberId);
    if (taken.length > 0) return { taken, claimed: [] };
    const claimed = owners.filter((n) => n.owner === null);
    this.storage.transactionSync(() => {
      for (const n of claimed) this.sql.exec("INSERT INTO numbers (phone_number_id, waba_id, workspace_id) VALUES (?, ?, ?)", n.phoneNumberId, n.wabaId, workspaceId);
    });
    return { taken: [], claimed: claimed.map((n) => n.phoneNumberId) };
  }

  /** Only its owner's release counts: a stale or foreign one changes nothing. Answers what was released, with its WABA. */
  release(phoneNumberIds: string[], workspaceId: string): { phoneNumberId: string; wabaId: string | null }[] {
    return phoneNumberIds.flatMap((id) =>
      this.sql
        .exec<{ phone_number_id: string; waba_id: string | null }>("DELETE FROM numbers WHERE phone_number_id = ? AND workspace_id = ? RETURNING phone_number_id, waba_id", id, workspaceId)
        .toArray()
        .map((r) => ({ phoneNumberId: r.phone_number_id, wabaId: r.waba_id })),
    );
  }

  /** The operator's move: compare-and-set from the owner the operator saw to the new one; null when it had moved on. */
  move(phoneNumberId: string, from: string, to: string, wabaId: string | null): OwnerChange | null {
    const before = this.row(phoneNumberId);
    if (!before || before.workspace_id !== from) return null;
    this.sql.exec("UPDATE numbers SET workspace_id = ?, waba_id = COALESCE(?, waba_id) WHERE phone_number_id = ? AND workspace_id = ?", to, wabaId, phoneNumberId, from);
    return { owner: to, wabaId: wabaId ?? before.waba_id, was: before.waba_id };
  }

  ownerOf(phoneNumberId: string): string | null {
    return this.row(phoneNumberId)?.workspace_id ?? null;
  }

  private row(phoneNumberId: string): { workspace_id: string; waba_id: string | null } | undefined {
    return this.sql.exec<{ workspace_id: string; waba_id: string | null }>("SELECT workspace_id, waba_id FROM numbers WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
  }
}

export class WabaIndex {
  constructor(private readonly sql: SqlStorage) {}

  link(wabaId: string, phoneNumberId: string, workspaceId: string): void {
    this.sql.exec(
      "INSERT INTO waba_numbers (waba_id, phone_number_id, workspace_id) VALUES (?, ?, ?) ON CONFLICT (waba_id, phone_number_id) DO UPDATE SET workspace_id = excluded.workspace_id",
      wabaId,
      phoneNumberId,
      workspaceId,
    );
  }

  /** Only the link this workspace holds: a late unlink after a move leaves the new owner's link alone. */
  unlink(wabaId: string, phoneNumberId: string, workspaceId: string): void {
    this.sql.exec("DELETE FROM waba_numbers WHERE waba_id = ? AND phone_number_id = ? AND workspace_id = ?", wabaId, phoneNumberId, workspaceId);
  }

  /** The workspace owning a number of this WABA (as the single directory answered: any of them). */
  workspaceOf(wabaId: string): string | null {
    return this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM waba_numbers WHERE waba_id = ? LIMIT 1", wabaId).toArray()[0]?.workspace_id ?? null;
  }
}
