import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Env } from "../env";
import { ADDRESS_LIMITS, afterFailure, freshThrottle, lockRemaining, type ThrottleState } from "../lib/sign-in-throttle";
import { countedEnv } from "../bench-probes/call-count";

/**
 * The one deployment-wide lookup: which workspace an email signs into. Only sign-in and account
 * creation call it; the webhook path and every authenticated request go straight to their own object.
 */
export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    // The benchmark counts this object's calls to others (BENCH_PROBES=1 only; otherwise the env itself).
    super(ctx, (env = countedEnv(env, "Directory")));
    this.sql = ctx.storage.sql;
    const migrations = new SQLSchemaMigrations({
      doStorage: ctx.storage,
      migrations: [
        {
          idMonotonicInc: 1,
          description: "email to workspace",
          sql: "CREATE TABLE IF NOT EXISTS accounts (email TEXT PRIMARY KEY, workspace_id TEXT NOT NULL)",
        },
        {
          idMonotonicInc: 2,
          description: "numbers and WABAs to workspace, for account-level webhook fields",
          sql: `
            CREATE TABLE IF NOT EXISTS numbers (phone_number_id TEXT PRIMARY KEY, waba_id TEXT, workspace_id TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS numbers_by_waba ON numbers (waba_id);
            CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
          `,
        },
        {
          idMonotonicInc: 3,
          description: "sign-in failures per address",
          sql: "CREATE TABLE IF NOT EXISTS address_throttle (address TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at INTEGER NOT NULL)",
        },
      ],
    });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
    });
  }

  /**
   * A new workspace's first admin. On a single-company deployment only the first workspace ever gets one: the
   * check and the claim are one synchronous step, so two setups at once cannot both pass.
   */
  async claimFirstAdmin(email: string, workspaceId: string, singleCompany: boolean): Promise<"claimed" | "email_taken" | "single_company"> {
    if (singleCompany && this.otherWorkspaceExists(workspaceId)) return "single_company";
    return (await this.claimEmail(email, workspaceId)) ? "claimed" : "email_taken";
  }

  private otherWorkspaceExists(workspaceId: string): boolean {
    return this.sql.exec("SELECT 1 FROM accounts WHERE workspace_id != ? LIMIT 1", workspaceId).toArray().length > 0;
  }

  /** Reserves an email for a workspace; false if another account already uses it. */
  async claimEmail(email: string, workspaceId: string): Promise<boolean> {
    const cursor = this.sql.exec(
      "INSERT INTO accounts (email, workspace_id) VALUES (?, ?) ON CONFLICT (email) DO NOTHING",
      email,
      workspaceId,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * An import's accounts, all or none. `taken`: emails another workspace uses (then nothing is claimed).
   * `claimed`: emails newly claimed now, which a failed import gives back; ones this workspace already held (an
   * import that stopped half-way and runs again) count as its own.
   */
  async claimEmailsFor(emails: string[], workspaceId: string, singleCompany = false): Promise<{ taken: string[]; claimed: string[]; singleCompany?: true }> {
    if (singleCompany && this.otherWorkspaceExists(workspaceId)) return { taken: [], claimed: [], singleCompany: true };
    const owners = emails.map((email) => ({ email, owner: this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM accounts WHERE email = ?", email).toArray()[0]?.workspace_id }));
    const taken = owners.filter((o) => o.owner !== undefined && o.owner !== workspaceId).map((o) => o.email);
    if (taken.length > 0) return { taken, claimed: [] };
    const claimed = owners.filter((o) => o.owner === undefined).map((o) => o.email);
    this.ctx.storage.transactionSync(() => {
      for (const email of claimed) this.sql.exec("INSERT INTO accounts (email, workspace_id) VALUES (?, ?)", email, workspaceId);
    });
    return { taken: [], claimed };
  }

  async releaseEmailsOf(emails: string[], workspaceId: string): Promise<void> {
    for (const email of emails) this.sql.exec("DELETE FROM accounts WHERE email = ? AND workspace_id = ?", email, workspaceId);
  }

  async releaseEmail(email: string): Promise<void> {
    this.sql.exec("DELETE FROM accounts WHERE email = ?", email);
  }

  // ---- numbers: each belongs to at most one workspace ----

  /**
   * Claims a number for a workspace, insert-if-absent: an owner is never overwritten here. Answers who owns it now;
   * the caller refuses unless it is itself. Synchronous from the read to the write, so two claims cannot both win.
   * (Its WABA needs no claim of its own: the connecting token had to prove Meta lists the number in it.)
   */
  async claimNumber(phoneNumberId: string, wabaId: string | null, workspaceId: string): Promise<{ owner: string }> {
    const owner = this.ownerRow(phoneNumberId);
    if (owner && owner !== workspaceId) return { owner };
    this.sql.exec(
      `INSERT INTO numbers (phone_number_id, waba_id, workspace_id) VALUES (?, ?, ?)
       ON CONFLICT (phone_number_id) DO UPDATE SET waba_id = COALESCE(excluded.waba_id, numbers.waba_id) WHERE numbers.workspace_id = excluded.workspace_id`,
      phoneNumberId,
      wabaId,
      workspaceId,
    );
    return { owner: workspaceId };
  }

  /** An import's numbers, all or none, as `claimEmailsFor` does for its accounts. */
  async claimNumbersFor(numbers: { phoneNumberId: string; wabaId: string | null }[], workspaceId: string): Promise<{ taken: string[]; claimed: string[] }> {
    const taken = numbers
      .filter((n) => {
        const owner = this.ownerRow(n.phoneNumberId);
        return owner !== null && owner !== workspaceId;
      })
      .map((n) => n.phoneNumberId);
    if (taken.length > 0) return { taken, claimed: [] };
    const claimed = numbers.filter((n) => this.ownerRow(n.phoneNumberId) === null);
    this.ctx.storage.transactionSync(() => {
      for (const n of claimed) this.sql.exec("INSERT INTO numbers (phone_number_id, waba_id, workspace_id) VALUES (?, ?, ?)", n.phoneNumberId, n.wabaId, workspaceId);
    });
    return { taken: [], claimed: claimed.map((n) => n.phoneNumberId) };
  }

  /** Only its owner's release counts: a stale or foreign one changes nothing. */
  async releaseNumbers(phoneNumberIds: string[], workspaceId: string): Promise<void> {
    for (const id of phoneNumberIds) this.sql.exec("DELETE FROM numbers WHERE phone_number_id = ? AND workspace_id = ?", id, workspaceId);
  }

  /** The operator's move: compare-and-set from the owner the operator saw to the new one. */
  async moveNumber(phoneNumberId: string, from: string, to: string, wabaId: string | null): Promise<boolean> {
    const moved = this.sql.exec("UPDATE numbers SET workspace_id = ?, waba_id = COALESCE(?, waba_id) WHERE phone_number_id = ? AND workspace_id = ?", to, wabaId, phoneNumberId, from);
    return moved.rowsWritten > 0;
  }

  /** Who owns a number; for the operator's routes only (a company never learns another's id). */
  async ownerOfNumber(phoneNumberId: string): Promise<string | null> {
    return this.ownerRow(phoneNumberId);
  }

  private ownerRow(phoneNumberId: string): string | null {
    return this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM numbers WHERE phone_number_id = ?", phoneNumberId).toArray()[0]?.workspace_id ?? null;
  }

  /**
   * Which workspace an account-level webhook change belongs to (template, account, call or preference
   * updates): by its number when it names one, otherwise by its WABA. Unknown ones are counted.
   */
  async workspaceForChange(phoneNumberId: string | null, wabaId: string): Promise<string | null> {
    const row = this.sql
      .exec<{ workspace_id: string }>(
        "SELECT workspace_id FROM numbers WHERE phone_number_id = ? OR waba_id = ? ORDER BY phone_number_id = ? DESC LIMIT 1",
        phoneNumberId ?? "",
        wabaId,
        phoneNumberId ?? "",
      )
      .toArray()[0];
    if (!row) {
      this.sql.exec(
        "INSERT INTO counters (name, value) VALUES ('unrouted_changes', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1",
      );
    }
    return row?.workspace_id ?? null;
  }

  async unroutedChanges(): Promise<number> {
    return this.sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'unrouted_changes'").toArray()[0]?.value ?? 0;
  }

  /** Milliseconds this address must wait before trying to sign in again; 0 when it may. */
  async addressLocked(address: string): Promise<number> {
    return lockRemaining(this.addressState(address), Date.now());
  }

  async signInFailed(address: string): Promise<void> {
    const now = Date.now();
    const next = afterFailure(this.addressState(address), now, ADDRESS_LIMITS);
    this.sql.exec(
      "INSERT INTO address_throttle (address, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
      address,
      JSON.stringify(next),
      now,
    );
    // Old entries go, so the table stays as small as the set of addresses failing right now.
    this.sql.exec("DELETE FROM address_throttle WHERE updated_at < ?", now - 24 * 3600_000);
  }

  private addressState(address: string): ThrottleState {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM address_throttle WHERE address = ?", address).toArray()[0];
    return row ? (JSON.parse(row.state) as ThrottleState) : freshThrottle;
  }

  async workspaceOf(email: string): Promise<string | null> {
    const row = this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM accounts WHERE email = ?", email).toArray()[0];
    return row?.workspace_id ?? null;
  }
}
