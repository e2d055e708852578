import type { CannedImportResult, CannedRequest, CannedResponse } from "../../shared/catalog";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { readCannedCsv, writeCannedCsv } from "./canned-csv";
import { newId } from "./ids";
import type { Parts } from "./parts";

/** The canned_responses table: the company library (optionally limited to teams) and everyone's personal responses. */
export class CannedResponses {
  constructor(private readonly w: Parts) {}

  /** Company responses and the person's own; a company response limited to teams only for those teams and supervisors. */
  visibleTo(principal: Principal): CannedResponse[] {
    const mine = new Set(this.w.teams.teamIdsOf(principal.personId));
    return this.list("(owner_id IS NULL OR owner_id = ?)", principal.personId).filter(
      (c) => c.ownerId !== null || c.teamIds.length === 0 || seesEverything(principal) || c.teamIds.some((id) => mine.has(id)),
    );
  }

  private list(where: string, ...args: SqlStorageValue[]): CannedResponse[] {
    return this.w.sql
      .exec<{ id: string; shortcode: string; title: string; body: string; language: string; owner_id: string | null; team_ids: string }>(
        `SELECT * FROM canned_responses WHERE ${where} ORDER BY owner_id IS NOT NULL, shortcode, language`,
        ...args,
      )
      .toArray()
      .map((r) => ({ id: r.id, shortcode: r.shortcode, title: r.title, body: r.body, language: r.language, ownerId: r.owner_id, teamIds: JSON.parse(r.team_ids) as string[] }));
  }

  /** The whole company library, team-limited responses included: what the console edits and exports. */
  library(principal: Principal): Result<CannedResponse[]> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage the company library", "supervisors_only");
    return ok(this.list("owner_id IS NULL"));
  }

  exportCsv(principal: Principal): Result<string> {
    const library = this.library(principal);
    if (!library.ok) return library;
    const teams = new Map(this.w.teams.list().map((t) => [t.id, t.name]));
    return ok(writeCannedCsv(library.value, (id) => teams.get(id) ?? id));
  }

  /**
   * Imports a CSV into the company library: a row whose shortcode and language exist updates that response,
   * others are added. Bad rows are reported by row number and skipped; the good ones are saved.
   */
  async importCsv(principal: Principal, csv: string): Promise<Result<CannedImportResult>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins import into the company library", "supervisors_only");
    const teams = this.w.teams.list();
    const { outcomes, problem } = readCannedCsv(csv, (name) => teams.find((t) => t.name === name)?.id ?? null);
    if (problem) return refuse(400, `csv: ${problem}`, "invalid_request", { field: "csv" });
    let imported = 0;
    let updated = 0;
    const errors: CannedImportResult["errors"] = [];
    this.w.ctx.storage.transactionSync(() => {
      for (const outcome of outcomes) {
        if ("error" in outcome) {
          errors.push({ row: outcome.row, message: outcome.error });
          continue;
        }
        const existing = this.w.sql
          .exec<{ id: string }>("SELECT id FROM canned_responses WHERE owner_id IS NULL AND shortcode = ? AND language = ?", outcome.request.shortcode, outcome.request.language)
          .toArray()[0];
        this.write(existing?.id ?? newId("c"), outcome.request, null);
        if (existing) updated++;
        else imported++;
      }
      this.w.audit.record(principal, { action: "canned.import", target: "canned:library", targetName: "company library", oldValue: null, newValue: { imported, updated, refusedRows: errors.map((e) => e.row) } });
    });
    if (imported + updated > 0) await this.w.fanout.catalogChanged();
    return ok({ imported, updated, errors });
  }

  /** Agents keep personal responses; company ones are edited by supervisors. */
  async save(principal: Principal, id: string | null, request: CannedRequest): Promise<Result<CannedResponse>> {
    const company = request.company;
    if (company && !seesEverything(principal)) return refuse(403, "only supervisors and admins edit the company library", "supervisors_only");
    const unknownTeam = request.teamIds.find((t) => !this.w.teams.exists(t));
    if (unknownTeam) return refuse(422, `teamIds: no team ${unknownTeam}`, "invalid_request", { field: "teamIds" });
    const ownerId = company ? null : principal.personId;
    let before: CannedResponse | undefined;
    if (id) {
      before = this.list("id = ?", id)[0];
      if (!before) return refuse(404, `no canned response ${id}`, "not_found");
      if (before.ownerId === null ? !seesEverything(principal) : before.ownerId !== principal.personId) return refuse(403, "this canned response is not yours to edit", "canned_not_yours");
    }
    const savedId = id ?? newId("c");
    this.write(savedId, request, ownerId);
    const saved = this.list("id = ?", savedId)[0]!;
    if (saved.ownerId === null) {
      this.w.audit.record(principal, { action: id ? "canned.update" : "canned.create", target: `canned:${savedId}`, targetName: `/${saved.shortcode}`, oldValue: before ?? null, newValue: saved });
      await this.w.fanout.catalogChanged();
    }
    return ok(saved);
  }

  async delete(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    const row = this.list("id = ?", id)[0];
    if (!row) return refuse(404, `no canned response ${id}`, "not_found");
    if (row.ownerId === null ? !seesEverything(principal) : row.ownerId !== principal.personId) return refuse(403, "this canned response is not yours to delete", "canned_not_yours");
    this.w.sql.exec("DELETE FROM canned_responses WHERE id = ?", id);
    if (row.ownerId === null) {
      this.w.audit.record(principal, { action: "canned.delete", target: `canned:${id}`, targetName: `/${row.shortcode}`, oldValue: row, newValue: null });
      await this.w.fanout.catalogChanged();
    }
    return ok({ ok: true });
  }

  private write(id: string, request: CannedRequest, ownerId: string | null): void {
    this.w.sql.exec(
      `INSERT INTO canned_responses (id, shortcode, title, body, language, owner_id, created_at, team_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET shortcode = excluded.shortcode, title = excluded.title, body = excluded.body,
         language = excluded.language, team_ids = excluded.team_ids`,
      id,
      request.shortcode,
      request.title,
      request.body,
      request.language,
      ownerId,
      Date.now(),
      JSON.stringify(ownerId === null ? request.teamIds : []),
    );
  }
}
