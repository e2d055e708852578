import type { Role } from "../../shared/people";
import { workspacePolicy } from "../archive/policy";
import { beginStoreImport, finishStoreImport, importStoreRows, importUnfinished, storeInfo, storePage, type Store } from "../archive/store-archive";
import type { Row as ArchiveRow } from "../archive/table-dump";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import type { Parts } from "./parts";
import { directoryFor } from "../directory/client";

type ArchiveInfo = { id: string; name: string; schemaVersion: number; tables: string[]; numbers: { phoneNumberId: string; ownToken: boolean }[] };
type ImportedPerson = { name: string; email: string; role: Role; setPasswordUrl: string };

/** The workspace's side of an export and an import: every table, generically (worker/archive/ does the rows). */
export class WorkspaceArchive {
  constructor(private readonly w: Parts) {}

  private get store(): Store {
    return { storage: this.w.ctx.storage, sql: this.w.sql, policy: workspacePolicy };
  }

  /** What an export reads: this object's tables and schema, and its numbers (with whether each has its own token). */
  async info(principal: Principal): Promise<Result<ArchiveInfo>> {
    if (principal.role !== "admin") return refuse(403, "only admins export the workspace's data", "admins_only");
    const listed = this.w.numbers.forArchive();
    // Only numbers the deployment says are this workspace's: never another company's conversations in this file.
    const directory = directoryFor(this.w.env);
    const owners = await Promise.all(listed.map((n) => directory.ownerOfNumber(n.phoneNumberId)));
    const id = this.w.settings.id();
    const numbers = listed.filter((_, i) => owners[i] === id);
    const name = this.w.settings.name()!;
    this.w.audit.record(principal, { action: "workspace.export", target: `workspace:${id}`, targetName: name, oldValue: null, newValue: { numbers: numbers.length } });
    return ok({ id, name, ...(await storeInfo(this.store)), numbers });
  }

  page(table: string, after: number, limit: number): { rows: ArchiveRow[]; next: number | null } {
    return storePage(this.store, table, after, limit);
  }

  /** Only into an object that never finished becoming a workspace: a half-done import is wiped and starts again. */
  async begin(schemaVersion: number): Promise<Result<{ ok: true }>> {
    if (this.w.settings.exists()) return refuse(409, "this workspace already exists in this deployment; an archive imports into a fresh one");
    const refusal = await beginStoreImport(this.store, schemaVersion, "workspace");
    return refusal ? refuse(422, refusal) : ok({ ok: true });
  }

  rows(table: string, rows: ArchiveRow[]): Promise<string | null> {
    return importStoreRows(this.store, table, rows);
  }

  /**
   * The id goes in last, which is what makes the workspace exist. Then each active person gets a link to set a
   * password here, and every number gets its configuration.
   */
  async finish(workspaceId: string, origin: string): Promise<Result<{ name: string; rows: Record<string, number>; people: ImportedPerson[] }>> {
    if (!(await importUnfinished(this.store))) return refuse(409, "no import of this workspace is under way here; begin it first");
    const name = this.w.settings.name();
    if (!name) return refuse(422, "workspace.tables.meta: the archive has no workspace name", "invalid_request", { field: "workspace.tables.meta" });
    const admin = this.w.people.firstActiveAdmin();
    if (!admin) return refuse(422, "workspace.tables.people: the archive has no active admin, so nobody could manage the workspace", "invalid_request", { field: "workspace.tables.people" });
    const rows = await finishStoreImport(this.store);
    this.w.settings.markImported(workspaceId);
    const importer = { workspaceId, personId: admin.id, name: "Import", role: "admin" as const };
    const people: ImportedPerson[] = [];
    for (const p of this.w.people.active()) {
      const link = await this.w.invitations.importLink(importer, p, origin);
      people.push({ name: p.name, email: p.email, role: p.role, setPasswordUrl: link.url! });
    }
    this.w.audit.record(importer, { action: "workspace.import", target: `workspace:${workspaceId}`, targetName: name, oldValue: null, newValue: { people: people.length } });
    await this.w.fanout.pushAll();
    return ok({ name, rows, people });
  }
}
