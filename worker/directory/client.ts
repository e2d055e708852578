import type { Env } from "../env";
import { byShard, DESIGNATED_SHARD, DIRECTORY_SHARDS, emailKey, LEGACY_DIRECTORY, shardIndexOf, shardName, type KeyKind } from "./shard";

type Claimed = { emails: string[]; numbers: string[] };
type NumberClaim = { phoneNumberId: string; wabaId: string | null };

/**
 * The deployment's directory as its callers see it: one API, each key sent to the shard that holds it
 * (worker/directory/shard.ts). A single key's claim is decided by its shard alone, synchronously, so two companies
 * claiming it at once still see exactly one win. What spans keys fans out per shard; what must be all or none is
 * claimed shard by shard and the shards that succeeded are given back when any refuses. (Between the two, another
 * claim of one of those keys may be refused although the import then fails: a refusal to retry, never a key lost.)
 * `base` names the legacy object whose rows the shards adopt; only tests pass another.
 */
export function directoryFor(env: Pick<Env, "DIRECTORY">, base = LEGACY_DIRECTORY) {
  const shard = (index: number) => env.DIRECTORY.getByName(shardName(index, base));
  const of = (kind: KeyKind, key: string) => shard(shardIndexOf(kind, key));
  const designated = () => shard(DESIGNATED_SHARD);

  /** The WABA index follows each change of a number's owner or WABA (written after the owner's shard decided). */
  async function followWaba(phoneNumberId: string, change: { owner: string; wabaId: string | null; was: string | null }, previousOwner: string): Promise<void> {
    if (change.was !== null && (change.was !== change.wabaId || previousOwner !== change.owner)) await of("waba", change.was).unlinkWaba(change.was, phoneNumberId, previousOwner);
    if (change.wabaId !== null) await of("waba", change.wabaId).linkWaba(change.wabaId, phoneNumberId, change.owner);
  }

  async function releaseNumbers(phoneNumberIds: string[], workspaceId: string): Promise<void> {
    const released = (await Promise.all([...byShard(phoneNumberIds, "number", (id) => id)].map(([i, ids]) => shard(i).releaseNumbers(ids, workspaceId)))).flat();
    await Promise.all(released.filter((r) => r.wabaId !== null).map((r) => of("waba", r.wabaId!).unlinkWaba(r.wabaId!, r.phoneNumberId, workspaceId)));
  }

  async function releaseEmailsOf(emails: string[], workspaceId: string): Promise<void> {
    await Promise.all([...byShard(emails.map(emailKey), "email", (e) => e)].map(([i, list]) => shard(i).releaseEmailsOf(list, workspaceId)));
  }

  return {
    // ---- accounts ----

    /** Reserves an email for a workspace; false if another account already uses it. */
    claimEmail: (email: string, workspaceId: string) => of("email", email).claimEmail(emailKey(email), workspaceId),
    releaseEmail: (email: string) => of("email", email).releaseEmail(emailKey(email)),
    workspaceOf: (email: string) => of("email", email).workspaceOf(emailKey(email)),

    /**
     * A new workspace's first admin. The designated shard records that the workspace exists and, on a single-company
     * deployment, refuses when another does (one synchronous step there, so two setups at once cannot both pass);
     * then the email's shard claims the address. A refused email takes the record back.
     */
    async claimFirstAdmin(email: string, workspaceId: string, singleCompany: boolean): Promise<"claimed" | "email_taken" | "single_company"> {
      const registered = await designated().registerWorkspace(workspaceId, singleCompany);
      if (registered.refused) return "single_company";
      if (await of("email", email).claimEmail(emailKey(email), workspaceId)) return "claimed";
      if (registered.added) await designated().forgetWorkspace(workspaceId);
      return "email_taken";
    },

    /** A setup that failed after its claim: the address and the workspace's record both go. */
    async releaseFirstAdmin(email: string, workspaceId: string): Promise<void> {
      await of("email", email).releaseEmail(emailKey(email));
      await designated().forgetWorkspace(workspaceId);
    },

    /**
     * An import's accounts, all or none across shards. `taken`: emails another workspace uses (then nothing stays
     * claimed). `claimed`: emails newly claimed now, which a failed import gives back.
     */
    async claimEmailsFor(emails: string[], workspaceId: string, singleCompany = false): Promise<{ taken: string[]; claimed: string[]; singleCompany?: true }> {
      const registered = await designated().registerWorkspace(workspaceId, singleCompany);
      if (registered.refused) return { taken: [], claimed: [], singleCompany: true };
      const results = await Promise.all([...byShard(emails.map(emailKey), "email", (e) => e)].map(([i, list]) => shard(i).claimEmails(list, workspaceId)));
      const taken = results.flatMap((r) => r.taken);
      const claimed = results.flatMap((r) => r.claimed);
      if (taken.length === 0) return { taken, claimed };
      await releaseEmailsOf(claimed, workspaceId);
      if (registered.added) await designated().forgetWorkspace(workspaceId);
      return { taken, claimed: [] };
    },

    // ---- numbers: each belongs to at most one workspace ----

    /**
     * Claims a number for a workspace, insert-if-absent in the number's shard: an owner is never overwritten. Answers
     * who owns it now; the caller refuses unless it is itself. (Its WABA needs no claim of its own: the connecting
     * token had to prove Meta lists the number in it.)
     */
    async claimNumber(phoneNumberId: string, wabaId: string | null, workspaceId: string): Promise<{ owner: string }> {
      const change = await of("number", phoneNumberId).claimNumber(phoneNumberId, wabaId, workspaceId);
      if (change.owner === workspaceId) await followWaba(phoneNumberId, change, workspaceId);
      return { owner: change.owner };
    },

    /** An import's numbers, all or none across shards, as `claimEmailsFor` does for its accounts. */
    async claimNumbersFor(numbers: NumberClaim[], workspaceId: string): Promise<{ taken: string[]; claimed: string[] }> {
      const results = await Promise.all([...byShard(numbers, "number", (n) => n.phoneNumberId)].map(([i, list]) => shard(i).claimNumbers(list, workspaceId)));
      const taken = results.flatMap((r) => r.taken);
      const claimed = results.flatMap((r) => r.claimed);
      if (taken.length > 0) {
        await releaseNumbers(claimed, workspaceId);
        return { taken, claimed: [] };
      }
      const newlyOwned = numbers.filter((n) => n.wabaId !== null && claimed.includes(n.phoneNumberId));
      await Promise.all(newlyOwned.map((n) => of("waba", n.wabaId!).linkWaba(n.wabaId!, n.phoneNumberId, workspaceId)));
      return { taken, claimed };
    },

    /** Only its owner's release counts: a stale or foreign one changes nothing. */
    releaseNumbers,

    /** The operator's move: compare-and-set, in the number's shard, from the owner the operator saw to the new one. */
    async moveNumber(phoneNumberId: string, from: string, to: string, wabaId: string | null): Promise<boolean> {
      const change = await of("number", phoneNumberId).moveNumber(phoneNumberId, from, to, wabaId);
      if (!change) return false;
      await followWaba(phoneNumberId, change, from);
      return true;
    },

    /** Who owns a number; for the operator's routes and the workspace's own checks (a company never learns another's id). */
    ownerOfNumber: (phoneNumberId: string) => of("number", phoneNumberId).ownerOfNumber(phoneNumberId),

    /**
     * Which workspace an account-level webhook change belongs to (template, account, call or preference updates): by
     * its number's owner when it names one, otherwise by its WABA, in the WABA's shard (one lookup, where a change
     * nobody has is counted).
     */
    async workspaceForChange(phoneNumberId: string | null, wabaId: string): Promise<string | null> {
      const byNumber = phoneNumberId ? await of("number", phoneNumberId).ownerOfNumber(phoneNumberId) : null;
      return byNumber ?? of("waba", wabaId).workspaceOfWaba(wabaId);
    },

    /** Account-level changes no workspace took, over every shard. */
    async unroutedChanges(): Promise<number> {
      const counts = await Promise.all(Array.from({ length: DIRECTORY_SHARDS }, (_, i) => shard(i).unroutedChanges()));
      return counts.reduce((a, b) => a + b, 0);
    },

    // ---- sign-in failures, in the address's shard ----

    /** Milliseconds this address must wait before trying to sign in again; 0 when it may. */
    addressLocked: (address: string) => of("address", address).addressLocked(address),
    signInFailed: (address: string) => of("address", address).signInFailed(address),

    // ---- an import that failed gives back what it claimed ----

    /** So running it again (or another workspace) finds everything free, and the workspace is not counted as existing. */
    async giveBackImport(workspaceId: string, claimed: Claimed): Promise<void> {
      await releaseEmailsOf(claimed.emails, workspaceId);
      await releaseNumbers(claimed.numbers, workspaceId);
      await designated().forgetWorkspace(workspaceId);
    },
  };
}

export type DirectoryClient = ReturnType<typeof directoryFor>;
