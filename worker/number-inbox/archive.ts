import { numberPolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import { clearTables, hasRows, type Row } from "../archive/table-dump";
import { ok, refuse, type Result } from "../lib/result";
import type { Messages } from "./messages";
import type { Settings } from "./settings";

/**
 * This number's tables, read page by page for a workspace export and written by an import (generic over the
 * tables, `archive/policy.ts` says what stays out). An import rewrites the configuration row and the messages, so
 * the cached configuration is dropped and the search index rebuilt.
 */
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
    return importStoreRows(this.store, table, rows);
  }

  /** Every row goes (its owner released the number), so a next owner never sees this one's customers. */
  clear(): void {
    this.store.storage.transactionSync(() => clearTables(this.store.sql));
    this.messages.rebuildIndex();
    this.settings.forget();
  }

  /** The search index is rebuilt from the imported messages, as the migration that introduced it built it. */
  finish(): Promise<Record<string, number>> {
    this.messages.rebuildIndex();
    this.settings.forget();
    return finishStoreImport(this.store);
  }
}
