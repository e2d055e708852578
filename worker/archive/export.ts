import { ARCHIVE_FORMAT, ARCHIVE_VERSION } from "../../shared/archive";
import type { Env } from "../env";
import type { Principal, Result } from "../lib/result";
import type { Row } from "./table-dump";
import { errorMessage } from "../lib/errors";

/** Rows per call to an object: small enough for one RPC message, large enough that a year of messages is quick. */
const PAGE_ROWS = 1000;

interface PagedStore {
  archivePage(table: string, after: number, limit: number): Promise<{ rows: Row[]; next: number | null }>;
}

/**
 * The archive as a stream of JSON text, one page of rows at a time, so a workspace with years of messages never
 * sits in the worker's memory whole. If an object fails half-way the stream errors, and the file is not valid JSON,
 * so a broken export can never be imported as if it were complete.
 */
export async function exportArchive(env: Env, principal: Principal): Promise<Result<ReadableStream<Uint8Array>>> {
  const workspace = env.WORKSPACE.getByName(principal.workspaceId);
  const info = await workspace.archiveInfo(principal);
  if (!info.ok) return info;
  const { id, name, schemaVersion, tables, numbers } = info.value;
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const write = (text: string) => writer.write(encoder.encode(text));

  async function writeTables(store: PagedStore, names: string[]) {
    await write(`"tables":{`);
    for (const [i, table] of names.entries()) {
      await write(`${i ? "," : ""}${JSON.stringify(table)}:[`);
      let after = 0;
      let first = true;
      for (;;) {
        const page = await store.archivePage(table, after, PAGE_ROWS);
        // One write per page: a write per row makes the stream, not the objects, the slow part.
        if (page.rows.length > 0) {
          await write(`${first ? "" : ","}${page.rows.map((row) => JSON.stringify(row)).join(",")}`);
          first = false;
        }
        if (page.next === null) break;
        after = page.next;
      }
      await write("]");
    }
    await write("}");
  }

  const produce = async () => {
    await write(`{"format":${JSON.stringify(ARCHIVE_FORMAT)},"version":${ARCHIVE_VERSION},"exportedAt":${Date.now()},`);
    await write(`"workspace":{"id":${JSON.stringify(id)},"name":${JSON.stringify(name)},"schemaVersion":${schemaVersion},`);
    await writeTables(workspace, tables);
    await write(`},"numbers":[`);
    for (const [i, number] of numbers.entries()) {
      const inbox = env.NUMBER_INBOX.getByName(number.phoneNumberId);
      const numberInfo = await inbox.archiveInfo();
      await write(`${i ? "," : ""}{"phoneNumberId":${JSON.stringify(number.phoneNumberId)},"ownToken":${number.ownToken},"schemaVersion":${numberInfo.schemaVersion},`);
      await writeTables(inbox, numberInfo.tables);
      await write("}");
    }
    await write("]}");
    await writer.close();
  };
  produce().catch(async (error: unknown) => {
    console.error("workspace export failed", principal.workspaceId, errorMessage(error));
    await writer.abort(error).catch(() => undefined);
  });
  return { ok: true, value: readable };
}
