import { archiveStores, manifestOf, type Archive, type ImportManifest, type ImportResult } from "../../shared/archive";
import { directoryFor } from "../directory/client";
import type { Env } from "../env";
import { deploymentMode } from "../lib/deployment";
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
export async function beginImport(env: Env, manifest: ImportManifest): Promise<Result<{ claimed: { emails: string[]; numbers: string[] } }>> {
  const { workspace } = manifest;
  const directory = directoryFor(env);
  // Before any account is claimed: refused here if the workspace exists, so its own accounts are never touched.
  const began = await env.WORKSPACE.getByName(workspace.id).beginImport(workspace.schemaVersion);
  if (!began.ok) return began;
  // Numbers first, claimed all or none and never taken from their owner: an archive cannot bring another company's number.
  const numbers = await directory.claimNumbersFor(workspace.numbers, workspace.id);
  if (numbers.taken.length > 0) return refuse(409, `number ${numbers.taken.join(", ")} already belongs to another workspace in this deployment`);
  const accounts = await directory.claimEmailsFor(workspace.emails, workspace.id, deploymentMode(env) === "single");
  const claimed = { emails: accounts.claimed, numbers: numbers.claimed };
  if (accounts.singleCompany || accounts.taken.length > 0) {
    await directory.releaseNumbers(claimed.numbers, workspace.id);
    if (accounts.singleCompany) return refuse(409, "this deployment serves a single company (DEPLOYMENT_MODE=single) and has its workspace; import into a fresh deployment");
    return refuse(409, `${accounts.taken.join(", ")} already ${accounts.taken.length === 1 ? "has an account" : "have accounts"} in this deployment`);
  }
  for (const number of manifest.numbers) {
    const opened = await env.NUMBER_INBOX.getByName(number.phoneNumberId).beginImport(number.phoneNumberId, number.schemaVersion);
    if (!opened.ok) {
      await giveBack(env, workspace.id, claimed);
      return opened;
    }
  }
  return ok({ claimed });
}

/** What a failed import claimed goes back, so running it again (or another workspace) finds everything free. */
async function giveBack(env: Env, workspaceId: string, claimed: { emails: string[]; numbers: string[] }): Promise<void> {
  await directoryFor(env).giveBackImport(workspaceId, claimed);
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
  return ok({
    workspaceId: manifest.workspace.id,
    workspaceName: finished.value.name,
    rows: { ...finished.value.rows, ...rows },
    people: finished.value.people,
    // No token travels in an archive; where the deployment's own may not serve a number, its admin enters one.
    numbersNeedingToken: manifest.numbers.filter((n) => n.ownToken || deploymentMode(env) === "multi").map((n) => n.phoneNumberId),
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
          await giveBack(env, manifest.workspace.id, began.value.claimed);
          return written;
        }
      }
    }
  }
  return finishImport(env, manifest, origin);
}
