import { archiveStores, manifestOf, type Archive, type ImportManifest, type ImportResult } from "../../shared/archive";
import type { Env } from "../env";
import { ok, refuse, type Result } from "../lib/result";
import type { Row } from "./table-dump";

/** Rows per call to an object, as for the export. */
const PAGE_ROWS = 500;

/**
 * Imports an archive into this deployment under the same ids, so every reference inside it (assignees, tags,
 * teams) still points where it did. In three steps that one request or a client with many requests can drive:
 * begin (every check that refuses the whole archive), rows, finish. Running it again after a failure is safe:
 * begin wipes what an unfinished import left.
 */
export async function beginImport(env: Env, manifest: ImportManifest): Promise<Result<{ claimed: string[] }>> {
  const { workspace } = manifest;
  const directory = env.DIRECTORY.getByName("directory");
  const elsewhere = await directory.numbersElsewhere(workspace.numbers.map((n) => n.phoneNumberId), workspace.id);
  if (elsewhere.length > 0) return refuse(409, `number ${elsewhere.join(", ")} already belongs to another workspace in this deployment`);
  // Before any account is claimed: refused here if the workspace exists, so its own accounts are never touched.
  const began = await env.WORKSPACE.getByName(workspace.id).beginImport(workspace.schemaVersion);
  if (!began.ok) return began;
  const { taken, claimed } = await directory.claimEmailsFor(workspace.emails, workspace.id);
  if (taken.length > 0) return refuse(409, `${taken.join(", ")} already ${taken.length === 1 ? "has an account" : "have accounts"} in this deployment`);
  for (const number of manifest.numbers) {
    const opened = await env.NUMBER_INBOX.getByName(number.phoneNumberId).beginImport(number.phoneNumberId, number.schemaVersion);
    if (!opened.ok) {
      await directory.releaseEmailsOf(claimed, workspace.id);
      return opened;
    }
  }
  return ok({ claimed });
}

/** One page of one table; only into objects whose import has begun. */
export async function importRows(env: Env, workspaceId: string, store: string, table: string, rows: Row[]): Promise<Result<{ rows: number }>> {
  const target = store === "workspace" ? env.WORKSPACE.getByName(workspaceId) : env.NUMBER_INBOX.getByName(store);
  const refusal = await target.importRows(table, rows);
  return refusal ? refuse(422, `${store === "workspace" ? "workspace" : `number ${store}`}.tables.${table}: ${refusal}`) : ok({ rows: rows.length });
}

/** Rebuilds what is derived, makes the workspace exist, and hands out the links to set passwords. */
export async function finishImport(env: Env, manifest: ImportManifest, origin: string): Promise<Result<ImportResult>> {
  const rows: Record<string, number> = {};
  for (const number of manifest.numbers) {
    const counts = await env.NUMBER_INBOX.getByName(number.phoneNumberId).finishImport();
    for (const [table, n] of Object.entries(counts)) rows[`${number.phoneNumberId}.${table}`] = n;
  }
  const finished = await env.WORKSPACE.getByName(manifest.workspace.id).finishImport(manifest.workspace.id, origin);
  if (!finished.ok) return finished;
  const directory = env.DIRECTORY.getByName("directory");
  for (const number of manifest.workspace.numbers) await directory.registerNumber(number.phoneNumberId, number.wabaId, manifest.workspace.id);
  return ok({
    workspaceId: manifest.workspace.id,
    workspaceName: finished.value.name,
    rows: { ...finished.value.rows, ...rows },
    people: finished.value.people,
    numbersNeedingToken: manifest.numbers.filter((n) => n.ownToken).map((n) => n.phoneNumberId),
  });
}

/** The whole archive in one request: fine up to a few tens of megabytes (the worker holds it in memory). */
export async function importArchive(env: Env, archive: Archive, origin: string): Promise<Result<ImportResult>> {
  const planned = manifestOf(archive);
  if (!planned.ok) return refuse(422, planned.message);
  const { manifest } = planned;
  const began = await beginImport(env, manifest);
  if (!began.ok) return began;
  for (const [store, tables] of archiveStores(archive)) {
    for (const [table, tableRows] of Object.entries(tables)) {
      for (let start = 0; start < tableRows.length; start += PAGE_ROWS) {
        const written = await importRows(env, manifest.workspace.id, store, table, tableRows.slice(start, start + PAGE_ROWS));
        if (!written.ok) {
          await env.DIRECTORY.getByName("directory").releaseEmailsOf(began.value.claimed, manifest.workspace.id);
          return written;
        }
      }
    }
  }
  return finishImport(env, manifest, origin);
}
