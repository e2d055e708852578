/**
 * Which Directory shard holds a key: a pure decision, so every caller (and the legacy object handing its rows over)
 * agrees on it without asking anyone. Emails, phone-number ids, WABA ids and sign-in addresses are each hashed on
 * their own: a key's shard alone decides a claim of it, synchronously, so two companies claiming the same email or
 * number still meet in one object and exactly one wins.
 */

/**
 * 16 shards: Cloudflare's soft limit is about 1,000 requests/s per object and a sign-in is two directory calls, so
 * one object capped a deployment near 500 sign-ins/s (docs/scale.md); 16 lift that to about 8,000/s, far above a
 * 100,000-number provider's estimated morning peak (170/s), while a fan-out over the shards (an import's claims, the
 * summed counters) stays a handful of calls. Changing it moves most keys to
 * another shard, so it needs a re-shard: copy every shard's rows into the new layout (as `legacy-handover.ts` does from
 * the single object) before any request is served with the new count; never just edit the number.
 */
export const DIRECTORY_SHARDS = 16;

/** The object that held everything before the directory was sharded; only read, once per shard, to hand its rows over. */
export const LEGACY_DIRECTORY = "directory";

/** The shard keeping the deployment-wide facts: which workspaces exist (single-company check) and the unrouted counter's legacy count. */
export const DESIGNATED_SHARD = 0;

export type KeyKind = "email" | "number" | "waba" | "address";

/** Emails are stored and routed as the sign-up schema leaves them (lower-cased); trimming only guards a caller that skipped it. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

const encoder = new TextEncoder();

/** FNV-1a over the key's UTF-8 bytes: stable across isolates, runtimes and releases, unlike any built-in hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The kind is part of the hash, so an email and a number id that happen to be the same text need not share a shard. */
export function shardIndexOf(kind: KeyKind, key: string, shards = DIRECTORY_SHARDS): number {
  return fnv1a(`${kind}:${kind === "email" ? emailKey(key) : key}`) % shards;
}

/** Shard `index` of the directory whose legacy object is `base` ("directory" in every deployment; tests pick their own). */
export function shardName(index: number, base = LEGACY_DIRECTORY): string {
  return `${base}-${index}`;
}

/** What an object's name makes it: shard `index` of `base`, or (null) a legacy, unsharded directory. */
export function parseShardName(name: string | undefined): { base: string; index: number } | null {
  const match = /^(.+)-(\d+)$/.exec(name ?? "");
  if (!match) return null;
  const index = Number(match[2]);
  return index < DIRECTORY_SHARDS ? { base: match[1]!, index } : null;
}

/** Groups keys by the shard holding them, keeping each shard's keys in their given order. */
export function byShard<T>(items: T[], kind: KeyKind, keyOf: (item: T) => string): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const index = shardIndexOf(kind, keyOf(item));
    groups.set(index, [...(groups.get(index) ?? []), item]);
  }
  return groups;
}
