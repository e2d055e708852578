import { z } from "zod";

/**
 * A workspace's data as one JSON file: every stored table of the workspace and of each of its numbers, row by
 * row, so an import into a fresh deployment misses nothing. What signs anyone in or sends as the business never
 * leaves: no password hashes, sessions, invitation links or access tokens (see worker/archive/policy.ts).
 */
export const ARCHIVE_FORMAT = "wa-team-inbox-archive";
export const ARCHIVE_VERSION = 1;

const cellSchema = z.union([z.string(), z.number(), z.null()]);
const rowSchema = z.record(z.string(), cellSchema);
const tableNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "table names are lower-case words joined by _");

/** One stored object's tables, with the storage schema (migration) they were written under. */
export const storeDumpSchema = z.object({
  schemaVersion: z.number().int().nonnegative(),
  tables: z.record(tableNameSchema, z.array(rowSchema)),
});
export type StoreDump = z.infer<typeof storeDumpSchema>;

export const archiveSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT, { message: `format must be "${ARCHIVE_FORMAT}": this is not a workspace archive` }),
  version: z.literal(ARCHIVE_VERSION, { message: `version must be ${ARCHIVE_VERSION}: this archive was written by another release` }),
  exportedAt: z.number().int(),
  workspace: storeDumpSchema.extend({
    id: z.string().regex(/^w[a-z0-9]{10,40}$/, "workspace.id is not a workspace id"),
    name: z.string().min(1),
  }),
  numbers: z.array(
    storeDumpSchema.extend({
      phoneNumberId: z.string().regex(/^\d{3,20}$/, "numbers[].phoneNumberId must be digits"),
      /** It had an access token of its own, which stayed behind: an admin enters it again after the import. */
      ownToken: z.boolean(),
    }),
  ),
});
export type Archive = z.infer<typeof archiveSchema>;

/** The archive's stored objects in import order: the workspace's tables ("workspace"), then each number's by its id. */
export function archiveStores(archive: Archive): [store: string, tables: StoreDump["tables"]][] {
  return [["workspace", archive.workspace.tables], ...archive.numbers.map((n): [string, StoreDump["tables"]] => [n.phoneNumberId, n.tables])];
}

/** What an import created, and what the people need to start again (nobody's password moves). */
export const importResultSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  /** Rows written per table, workspace tables first and then each number's as "<phoneNumberId>.<table>". */
  rows: z.record(z.string(), z.number()),
  /** One single-use link per active person to set a password here; valid 7 days. */
  people: z.array(z.object({ name: z.string(), email: z.string(), role: z.string(), setPasswordUrl: z.string() })),
  /** Numbers that had a token of their own: an admin enters it again (tokens never leave a deployment). */
  numbersNeedingToken: z.array(z.string()),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/**
 * An import in steps, for archives too large for one request: the manifest begins it (every check that can refuse
 * the whole archive runs here), pages of rows follow, and the manifest again finishes it.
 */
export const importManifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT, { message: `format must be "${ARCHIVE_FORMAT}": this is not a workspace archive` }),
  version: z.literal(ARCHIVE_VERSION, { message: `version must be ${ARCHIVE_VERSION}: this archive was written by another release` }),
  workspace: z.object({
    id: archiveSchema.shape.workspace.shape.id,
    schemaVersion: z.number().int().nonnegative(),
    emails: z.array(z.string().min(3).max(320)),
    numbers: z.array(z.object({ phoneNumberId: z.string(), wabaId: z.string().nullable() })),
  }),
  numbers: z.array(z.object({ phoneNumberId: z.string().regex(/^\d{3,20}$/), schemaVersion: z.number().int().nonnegative(), ownToken: z.boolean() })),
});
export type ImportManifest = z.infer<typeof importManifestSchema>;

export const importRowsRequestSchema = z.object({
  workspaceId: archiveSchema.shape.workspace.shape.id,
  /** "workspace", or the phone number id whose tables these are. */
  store: z.union([z.literal("workspace"), z.string().regex(/^\d{3,20}$/, "store is \"workspace\" or a phone number id")]),
  table: tableNameSchema,
  rows: z.array(rowSchema).max(2000, "at most 2,000 rows per request"),
});
export type ImportRowsRequest = z.infer<typeof importRowsRequestSchema>;

/** What begins and finishes an import of this archive; a refusal says what in the file is wrong. */
export function manifestOf(archive: Archive): { ok: true; manifest: ImportManifest } | { ok: false; message: string } {
  const emails = (archive.workspace.tables.people ?? []).map((p) => p.email);
  if (emails.some((e) => typeof e !== "string" || !e.includes("@"))) return { ok: false, message: "workspace.tables.people: every person needs an email" };
  const numbers = (archive.workspace.tables.numbers ?? []).map((n) => ({ phoneNumberId: String(n.phone_number_id), wabaId: typeof n.waba_id === "string" ? n.waba_id : null }));
  const unlisted = archive.numbers.find((n) => !numbers.some((m) => m.phoneNumberId === n.phoneNumberId));
  if (unlisted) return { ok: false, message: `numbers: ${unlisted.phoneNumberId} has conversations in the archive but is not among workspace.tables.numbers` };
  return {
    ok: true,
    manifest: {
      format: archive.format,
      version: archive.version,
      workspace: { id: archive.workspace.id, schemaVersion: archive.workspace.schemaVersion, emails: emails as string[], numbers },
      numbers: archive.numbers.map((n) => ({ phoneNumberId: n.phoneNumberId, schemaVersion: n.schemaVersion, ownToken: n.ownToken })),
    },
  };
}
