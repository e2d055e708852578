import { numberPolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import { clearTables, hasRows, type Row } from "../archive/table-dump";
import { ok, refuse, type Result } from "../lib/result";
import { rebuildLanguageBlocks } from "./language-report";
import type { Messages } from "./messages";
import { rebuildTagBlocks } from "./tag-report";
import type { Settings } from "./settings";

/**
 * This number's tables, read page by page for a workspace export and written by an import (generic over the
 * tables, `archive/policy.ts` says what stays out). An import rewrites the configuration row and the messages, so
 * the cached configuration is dropped and the search index rebuilt.
 */

/**
 * The reports' blocks are derived from conversations, samples and tags, and triggers count into them as those rows
 * arrive, in whatever order the archive lists its tables: the rows an archive carries for them are dropped and
 * `finish` builds both from what was imported.
 */
const REBUILT_AFTER_IMPORT = new Set(["language_blocks", "tag_blocks"]);

export class NumberArchive {
  private readonly store: Store;

  constructor(
    storage: DurableObjectStorage,
    private readonly settings: Settings,
    private readonly messages: Messages,
  ) {
    this.store = { storage, sql: storage.sql, policy: numberPolicy };
  }

  info(): Promise<{ schemaVersion: number; tables: string[] }> {
    return storeInfo(this.store);
  }

  page(table: string, after: number, limit: number): { rows: Row[]; next: number | null } {
    return storePage(this.store, table, after, limit);
  }

  /** Refused when this deployment already holds conversations of the number, unless an import of it stopped half-way. */
  async begin(phoneNumberId: string, schemaVersion: number): Promise<Result<{ ok: true }>> {
    if (!(await importUnfinished(this.store)) && hasRows(this.store.sql, "conversations")) {
      return refuse(409, `number ${phoneNumberId} already holds conversations in this deployment; import into a fresh one`);
    }
    const refusal = await beginStoreImport(this.store, schemaVersion, `number ${phoneNumberId}`);
    if (refusal) return refuse(422, refusal);
    this.settings.forget();
    return ok({ ok: true });
  }

  rows(table: string, rows: Row[]): Promise<string | null> {
    if (REBUILT_AFTER_IMPORT.has(table)) return Promise.resolve(null);
    return importStoreRows(this.store, table, rows);
  }

  /** Every row goes (its owner released the number), so a next owner never sees this one's customers. */
  clear(): void {
    this.store.storage.transactionSync(() => clearTables(this.store.sql));
    this.messages.rebuildIndex();
    this.settings.forget();
  }

  /** The search index and the reports' blocks are rebuilt from the imported rows, as the migrations that introduced them built them. */
  finish(): Promise<Record<string, number>> {
    this.store.storage.transactionSync(() => {
      rebuildLanguageBlocks(this.store.sql);
      rebuildTagBlocks(this.store.sql);
    });
    this.messages.rebuildIndex();
    this.settings.forget();
    return finishStoreImport(this.store);
  }
}
