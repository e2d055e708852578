import type { Archive, ImportResult } from "../../shared/archive";
import type { Env } from "../env";
import { ok, refuse, type Result } from "../lib/result";
import type { Row } from "./table-dump";

/** Rows per call to an object, as for the export. */
const PAGE_ROWS = 500;

interface ImportingStore {
  importRows(table: string, rows: Row[]): Promise<string | null>;
}

/** Writes every table of one object, page by page; the first refusal names the table and stops. */
async function writeTables(store: ImportingStore, tables: Archive["workspace"]["tables"], where: string, counts: Record<string, number>, prefix: string): Promise<string | null> {
  for (const [table, rows] of Object.entries(tables)) {
    for (let start = 0; start < rows.length; start += PAGE_ROWS) {
      const refusal = await store.importRows(table, rows.slice(start, start + PAGE_ROWS));
      if (refusal) return `${where}.tables.${table}: ${refusal}`;
    }
    counts[`${prefix}${table}`] = rows.length;
  }
  return null;
}

/**
 * An archive into this deployment under the same ids, so every reference inside it (assignees, tags, teams)
 * still points where it did. Refused whole when an email or number belongs to another workspace here. Safe to
 * run again after a failure: each object wipes what an unfinished import left before writing.
 */
export async function importArchive(env: Env, archive: Archive, origin: string): Promise<Result<ImportResult>> {
  const { workspace: dump } = archive;
  const people = dump.tables.people ?? [];
  const emails = people.map((p) => p.email);
  if (emails.some((e) => typeof e !== "string" || !e.includes("@"))) return refuse(422, "workspace.tables.people: every person needs an email");
  const numberIds = archive.numbers.map((n) => n.phoneNumberId);
  const archivedNumbers = (dump.tables.numbers ?? []).map((n) => n.phone_number_id);
  const unlisted = numberIds.find((id) => !archivedNumbers.includes(id));
  if (unlisted) return refuse(422, `numbers: ${unlisted} has conversations in the archive but is not among workspace.tables.numbers`);

  const directory = env.DIRECTORY.getByName("directory");
  const elsewhere = await directory.numbersElsewhere(numberIds, dump.id);
  if (elsewhere.length > 0) return refuse(409, `number ${elsewhere.join(", ")} already belongs to another workspace in this deployment`);
  // Before any account is claimed: refused here if the workspace exists, so its own accounts are never touched.
  const workspace = env.WORKSPACE.getByName(dump.id);
  const began = await workspace.beginImport(dump.schemaVersion);
  if (!began.ok) return began;
  const { taken, claimed } = await directory.claimEmailsFor(emails as string[], dump.id);
  if (taken.length > 0) return refuse(409, `${taken.join(", ")} already ${taken.length === 1 ? "has an account" : "have accounts"} in this deployment`);

  const result = await writeAll(env, archive, origin);
  if (!result.ok) {
    await directory.releaseEmailsOf(claimed, dump.id);
    return result;
  }
  for (const row of dump.tables.numbers ?? []) {
    await directory.registerNumber(String(row.phone_number_id), (row.waba_id as string | null) ?? null, dump.id);
  }
  return result;
}

async function writeAll(env: Env, archive: Archive, origin: string): Promise<Result<ImportResult>> {
  const { workspace: dump } = archive;
  const workspace = env.WORKSPACE.getByName(dump.id);
  for (const number of archive.numbers) {
    const opened = await env.NUMBER_INBOX.getByName(number.phoneNumberId).beginImport(number.phoneNumberId, number.schemaVersion);
    if (!opened.ok) return opened;
  }

  const rows: Record<string, number> = {};
  const refusal = await writeTables(workspace, dump.tables, "workspace", rows, "");
  if (refusal) return refuse(422, refusal);
  for (const [i, number] of archive.numbers.entries()) {
    const inbox = env.NUMBER_INBOX.getByName(number.phoneNumberId);
    const numberRefusal = await writeTables(inbox, number.tables, `numbers[${i}]`, rows, `${number.phoneNumberId}.`);
    if (numberRefusal) return refuse(422, numberRefusal);
    await inbox.finishImport();
  }

  // Last: this makes the workspace exist, and pushes each number's configuration to it.
  const finished = await workspace.finishImport(dump.id, origin);
  if (!finished.ok) return finished;
  return ok({
    workspaceId: dump.id,
    workspaceName: finished.value.name,
    rows,
    people: finished.value.people,
    numbersNeedingToken: archive.numbers.filter((n) => n.ownToken).map((n) => n.phoneNumberId),
  });
}
