/**
 * `npm run import-archive -- <archive.json> --url https://<worker>`: loads a workspace archive into a fresh
 * deployment in steps (begin, pages of rows, finish), so an archive of any size fits the worker's memory. The
 * deployment's setup token comes from SETUP_TOKEN in the environment. Prints each person's link to set a password
 * and checks that every table holds as many rows as the file.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { archiveSchema, archiveStores, manifestOf, type ImportResult } from "../shared/archive.ts";

/** Rows per request, and a ceiling on a request's size so one page of long messages stays small. */
const DEFAULT_PAGE_ROWS = 1000;
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

async function post<T>(url: string, setupToken: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${url}/api${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${setupToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${answer.error?.message ?? "no message"}`);
  return answer;
}

/** Pages of rows no longer than `pageRows` and no larger than the request ceiling. */
function* pages<T>(rows: T[], pageRows: number): Generator<T[]> {
  let page: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = JSON.stringify(row).length;
    if (page.length > 0 && (page.length >= pageRows || bytes + size > MAX_REQUEST_BYTES)) {
      yield page;
      page = [];
      bytes = 0;
    }
    page.push(row);
    bytes += size;
  }
  if (page.length > 0) yield page;
}

export async function importArchiveFile(options: { file: string; url: string; setupToken: string; pageRows?: number; log?: (line: string) => void }): Promise<ImportResult> {
  const log = options.log ?? (() => undefined);
  const parsed = archiveSchema.safeParse(JSON.parse(readFileSync(options.file, "utf8")));
  if (!parsed.success) throw new Error(`${options.file} is not a workspace archive: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
  const archive = parsed.data;
  const planned = manifestOf(archive);
  if (!planned.ok) throw new Error(planned.message);
  const { manifest } = planned;
  const url = options.url.replace(/\/$/, "");

  await post(url, options.setupToken, "/setup/import/begin", manifest);
  const expected: Record<string, number> = {};
  for (const [store, tables] of archiveStores(archive)) {
    for (const [table, rows] of Object.entries(tables)) {
      expected[store === "workspace" ? table : `${store}.${table}`] = rows.length;
      for (const page of pages(rows, options.pageRows ?? DEFAULT_PAGE_ROWS)) {
        await post(url, options.setupToken, "/setup/import/rows", { workspaceId: manifest.workspace.id, store, table, rows: page });
      }
      log(`${store === "workspace" ? "workspace" : `number ${store}`}: ${table} ${rows.length} rows`);
    }
  }
  const result = await post<ImportResult>(url, options.setupToken, "/setup/import/finish", manifest);
  const short = Object.entries(expected).filter(([table, n]) => (result.rows[table] ?? 0) !== n);
  if (short.length > 0) throw new Error(`imported, but these tables hold another count than the file: ${short.map(([t, n]) => `${t} ${result.rows[t] ?? 0}/${n}`).join(", ")}`);
  return result;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { url: { type: "string", default: "http://127.0.0.1:8787" }, "page-rows": { type: "string" } } });
  const file = positionals[0];
  const setupToken = process.env.SETUP_TOKEN;
  if (!file || !setupToken) {
    console.error("usage: SETUP_TOKEN=<the deployment's setup token> npm run import-archive -- <archive.json> --url https://<worker>");
    process.exit(2);
  }
  try {
    const pageRows = values["page-rows"] ? Number(values["page-rows"]) : undefined;
    const result = await importArchiveFile({ file, url: values.url!, setupToken, pageRows, log: (line) => console.log(line) });
    console.log(`\nImported "${result.workspaceName}" (${result.workspaceId}); every table holds as many rows as the file.`);
    console.log("\nSend each person their link to set a password here (single use, valid 7 days):");
    for (const p of result.people) console.log(`  ${p.name} <${p.email}> ${p.role}: ${p.setPasswordUrl}`);
    if (result.numbersNeedingToken.length > 0) {
      console.log(`\nEnter the access token again in the console (Numbers) for: ${result.numbersNeedingToken.join(", ")}`);
    }
    console.log("\nThen point Meta's webhook at this deployment.");
  } catch (error) {
    console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error("Nothing is usable until an import finishes; fix the cause and run the same command again.");
    process.exit(1);
  }
}
