import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Env } from "../env";
import { countedEnv } from "../bench-probes/call-count";
import { Accounts } from "./accounts";
import { AddressThrottle } from "./address-throttle";
import { DeploymentFacts } from "./deployment-facts";
import { adoptLegacyRows, legacyPage, type HandoverPage, type HandoverPart } from "./legacy-handover";
import { NumberOwners, WabaIndex, type OwnerChange } from "./numbers";
import { parseShardName } from "./shard";

/** Counted in each shard when an account-level change names a WABA no workspace has; summed where read. */
const UNROUTED = "unrouted_changes";

/**
 * One shard of the deployment's directory (issue #21): which workspace an email signs into, who owns a number and
 * which workspace a WABA's account-level changes go to, and sign-in failures per address, each for the keys that
 * hash to this shard (worker/directory/shard.ts). Callers never address a shard themselves: they use
 * `directoryFor(env)` (worker/directory/client.ts), which routes each key and fans out what spans several.
 * The object named plain "directory" is the legacy, unsharded one: it only hands its rows to the shards.
 */
export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly accounts: Accounts;
  private readonly numbers: NumberOwners;
  private readonly wabas: WabaIndex;
  private readonly throttle: AddressThrottle;
  private readonly facts: DeploymentFacts;
  private readonly shard: { base: string; index: number } | null;

  constructor(ctx: DurableObjectState, env: Env) {
    // The benchmark counts this object's calls to others (BENCH_PROBES=1 only; otherwise the env itself).
    super(ctx, (env = countedEnv(env, "Directory")));
    this.sql = ctx.storage.sql;
    this.accounts = new Accounts(this.sql, ctx.storage);
    this.numbers = new NumberOwners(this.sql, ctx.storage);
    this.wabas = new WabaIndex(this.sql);
    this.throttle = new AddressThrottle(this.sql);
    this.facts = new DeploymentFacts(this.sql);
    this.shard = parseShardName(ctx.id.name);
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
        {
          idMonotonicInc: 4,
          description: "sharded: the WABA index, the workspaces that exist (designated shard), the legacy handover's note",
          sql: `
            CREATE TABLE IF NOT EXISTS waba_numbers (waba_id TEXT NOT NULL, phone_number_id TEXT NOT NULL, workspace_id TEXT NOT NULL, PRIMARY KEY (waba_id, phone_number_id));
            CREATE TABLE IF NOT EXISTS workspaces (workspace_id TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS handover (done INTEGER NOT NULL);
          `,
        },
      ],
    });
    const shard = this.shard;
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
      if (shard) {
        const legacy = env.DIRECTORY.getByName(shard.base);
        await adoptLegacyRows(this.sql, ctx.storage, (part, after) => legacy.handOverPage(shard.index, part, after));
      }
    });
  }

  /** The legacy object's answer to a shard adopting its rows; a shard has none to give. */
  async handOverPage(shard: number, part: HandoverPart, after: string): Promise<HandoverPage> {
    return this.shard ? { rows: [], next: null } : legacyPage(this.sql, shard, part, after);
  }

  // ---- accounts ----

  async claimEmail(email: string, workspaceId: string): Promise<boolean> {
    return this.accounts.claim(email, workspaceId);
  }

  async claimEmails(emails: string[], workspaceId: string): Promise<{ taken: string[]; claimed: string[] }> {
    return this.accounts.claimAll(emails, workspaceId);
  }

  async releaseEmailsOf(emails: string[], workspaceId: string): Promise<void> {
    this.accounts.releaseOf(emails, workspaceId);
  }

  async releaseEmail(email: string): Promise<void> {
    this.accounts.release(email);
  }

  async workspaceOf(email: string): Promise<string | null> {
    return this.accounts.workspaceOf(email);
  }

  // ---- numbers and their WABAs ----

  async claimNumber(phoneNumberId: string, wabaId: string | null, workspaceId: string): Promise<OwnerChange> {
    return this.numbers.claim(phoneNumberId, wabaId, workspaceId);
  }

  async claimNumbers(numbers: { phoneNumberId: string; wabaId: string | null }[], workspaceId: string): Promise<{ taken: string[]; claimed: string[] }> {
    return this.numbers.claimAll(numbers, workspaceId);
  }

  async releaseNumbers(phoneNumberIds: string[], workspaceId: string): Promise<{ phoneNumberId: string; wabaId: string | null }[]> {
    return this.numbers.release(phoneNumberIds, workspaceId);
  }

  async moveNumber(phoneNumberId: string, from: string, to: string, wabaId: string | null): Promise<OwnerChange | null> {
    return this.numbers.move(phoneNumberId, from, to, wabaId);
  }

  async ownerOfNumber(phoneNumberId: string): Promise<string | null> {
    return this.numbers.ownerOf(phoneNumberId);
  }

  async linkWaba(wabaId: string, phoneNumberId: string, workspaceId: string): Promise<void> {
    this.wabas.link(wabaId, phoneNumberId, workspaceId);
  }

  async unlinkWaba(wabaId: string, phoneNumberId: string, workspaceId: string): Promise<void> {
    this.wabas.unlink(wabaId, phoneNumberId, workspaceId);
  }

  /** The workspace an account-level change of this WABA goes to; one nobody has is counted here. */
  async workspaceOfWaba(wabaId: string): Promise<string | null> {
    const workspaceId = this.wabas.workspaceOf(wabaId);
    if (workspaceId === null) this.facts.count(UNROUTED);
    return workspaceId;
  }

  async unroutedChanges(): Promise<number> {
    return this.facts.counter(UNROUTED);
  }

  // ---- sign-in failures per address ----

  async addressLocked(address: string): Promise<number> {
    return this.throttle.locked(address, Date.now());
  }

  async signInFailed(address: string): Promise<void> {
    this.throttle.failed(address, Date.now());
  }

  // ---- the designated shard's: which workspaces exist ----

  async registerWorkspace(workspaceId: string, singleCompany: boolean): Promise<{ refused: boolean; added: boolean }> {
    return this.facts.register(workspaceId, singleCompany);
  }

  async forgetWorkspace(workspaceId: string): Promise<void> {
    this.facts.forget(workspaceId);
  }
}
