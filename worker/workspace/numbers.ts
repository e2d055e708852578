import type { NumberDetail, UpdateNumberRequest } from "../../shared/numbers";
import type { NumberSummary, Role } from "../../shared/people";
import type { PhoneNumberInfo } from "../graph/client";
import { deploymentTokenServes } from "../lib/deployment";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { checkWithGraph, graphWith, sealIfGiven } from "./number-credentials";
import { proveControl } from "./number-proof";
import type { Parts } from "./parts";

export interface NumberRow {
  phone_number_id: string;
  display_name: string;
  display_phone_number: string;
  waba_id: string | null;
  connected_at: number;
  access_token_sealed: string | null;
  verified_name: string | null;
  quality_rating: string;
  checked_at: number | null;
  disconnected_at: number | null;
  operator_connected: number;
  [key: string]: SqlStorageValue;
}

/** What connecting writes; the Graph API's answer fills in the rest (storeCheck). */
export interface NumberWrite {
  phoneNumberId: string;
  displayName: string;
  displayPhoneNumber: string;
  wabaId: string | null;
  sealedToken: string | null;
  operatorConnected: boolean;
  connectedAt: number;
}

/**
 * The numbers, memberships and number_members tables: the workspace's numbers with their sealed tokens and health,
 * who an admin put on each, and who works on each as derived from the rotation (kept for sign-in and checks).
 */
export class Numbers {
  constructor(private readonly w: Parts) {}

  // ---- reads ----

  row(phoneNumberId: string): NumberRow | undefined {
    return this.w.sql.exec<NumberRow>("SELECT * FROM numbers WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
  }

  allIds(): string[] {
    return this.w.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM numbers").toArray().map((n) => n.phone_number_id);
  }

  /** Every number with its name, oldest first; `connectedOnly` leaves out the disconnected ones. */
  named(connectedOnly = false): { phoneNumberId: string; displayName: string }[] {
    return this.w.sql
      .exec<{ phone_number_id: string; display_name: string }>(`SELECT phone_number_id, display_name FROM numbers ${connectedOnly ? "WHERE disconnected_at IS NULL " : ""}ORDER BY connected_at`)
      .toArray()
      .map((n) => ({ phoneNumberId: n.phone_number_id, displayName: n.display_name }));
  }

  /** For an export: each number and whether it has a token of its own (which never travels). */
  forArchive(): { phoneNumberId: string; ownToken: boolean }[] {
    return this.w.sql
      .exec<{ phone_number_id: string; own: number }>("SELECT phone_number_id, access_token_sealed IS NOT NULL AS own FROM numbers ORDER BY connected_at")
      .toArray()
      .map((n) => ({ phoneNumberId: n.phone_number_id, ownToken: n.own === 1 }));
  }

  explicitMembers(phoneNumberId: string): string[] {
    return this.w.sql
      .exec<{ person_id: string }>("SELECT person_id FROM memberships WHERE phone_number_id = ? ORDER BY position", phoneNumberId)
      .toArray()
      .map((r) => r.person_id);
  }

  /** The numbers a person works on (derived from rotations and teams): their status goes to these. */
  workedOnBy(personId: string): string[] {
    return this.w.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM number_members WHERE person_id = ?", personId).toArray().map((r) => r.phone_number_id);
  }

  /** Every number a person is on, put there by an admin or by a rotation. */
  numberIdsOf(personId: string): string[] {
    return this.w.sql
      .exec<{ phone_number_id: string }>("SELECT phone_number_id FROM number_members WHERE person_id = ? UNION SELECT phone_number_id FROM memberships WHERE person_id = ?", personId, personId)
      .toArray()
      .map((r) => r.phone_number_id);
  }

  /** Supervisors and admins work on every number; agents on the ones they belong to. */
  summariesFor(personId: string, role: Role): NumberSummary[] {
    const rows = seesEverything({ role })
      ? this.w.sql.exec("SELECT * FROM numbers ORDER BY connected_at").toArray()
      : this.w.sql
          .exec(
            `SELECT n.* FROM numbers n JOIN number_members m ON m.phone_number_id = n.phone_number_id
             WHERE m.person_id = ? AND n.disconnected_at IS NULL ORDER BY n.connected_at`,
            personId,
          )
          .toArray();
    return rows.map((r) => ({
      phoneNumberId: r.phone_number_id as string,
      displayName: r.display_name as string,
      displayPhoneNumber: r.display_phone_number as string,
      connected: r.disconnected_at === null,
    }));
  }

  canUse(principal: Principal, phoneNumberId: string): boolean {
    return this.summariesFor(principal.personId, principal.role).some((n) => n.phoneNumberId === phoneNumberId);
  }

  /**
   * The one answer to "may this person touch this number": not at all unless this workspace owns it (the Directory
   * gave it the number, exclusively), and an agent only on the numbers they work on. The worker's number gate and
   * the socket ticket ask it; the number's own object then refuses any other workspace's caller as well.
   */
  access(principal: Principal, phoneNumberId: string): "works_here" | "not_member" | "not_here" {
    if (principal.workspaceId !== this.w.settings.id() || !this.row(phoneNumberId)) return "not_here";
    return this.canUse(principal, phoneNumberId) ? "works_here" : "not_member";
  }

  /** Whose token calls Meta for this number, for the worker's media routes: the sealed text only, opened in the worker. */
  credentials(phoneNumberId: string): { sealed: string | null; operatorConnected: boolean } | null {
    const row = this.row(phoneNumberId);
    return row ? { sealed: row.access_token_sealed ?? null, operatorConnected: row.operator_connected === 1 } : null;
  }

  // ---- writes ----

  upsert(n: NumberWrite): void {
    this.w.sql.exec(
      `INSERT INTO numbers (phone_number_id, display_name, display_phone_number, waba_id, connected_at, access_token_sealed, operator_connected) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (phone_number_id) DO UPDATE SET display_name = excluded.display_name,
         display_phone_number = excluded.display_phone_number, waba_id = excluded.waba_id, disconnected_at = NULL,
         access_token_sealed = COALESCE(excluded.access_token_sealed, numbers.access_token_sealed), operator_connected = excluded.operator_connected`,
      n.phoneNumberId,
      n.displayName,
      n.displayPhoneNumber,
      n.wabaId,
      n.connectedAt,
      n.sealedToken,
      n.operatorConnected ? 1 : 0,
    );
  }

  storeCheck(phoneNumberId: string, info: PhoneNumberInfo, now: number): void {
    this.w.sql.exec(
      "UPDATE numbers SET display_phone_number = ?, verified_name = ?, quality_rating = ?, checked_at = ? WHERE phone_number_id = ?",
      info.displayPhoneNumber,
      info.verifiedName,
      info.qualityRating,
      now,
      phoneNumberId,
    );
  }

  replaceMembers(phoneNumberId: string, memberIds: string[]): void {
    this.w.sql.exec("DELETE FROM memberships WHERE phone_number_id = ?", phoneNumberId);
    memberIds.forEach((personId, position) =>
      this.w.sql.exec("INSERT OR IGNORE INTO memberships (phone_number_id, person_id, position) VALUES (?, ?, ?)", phoneNumberId, personId, position),
    );
  }

  /** An invited person joins the number's members, after those already there. */
  addMember(phoneNumberId: string, personId: string): void {
    const position = this.w.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM memberships WHERE phone_number_id = ?", phoneNumberId).one().n;
    this.w.sql.exec("INSERT OR IGNORE INTO memberships (phone_number_id, person_id, position) VALUES (?, ?, ?)", phoneNumberId, personId, position);
  }

  /** Who works on the number follows from its rotation and teams; rewritten each time its configuration is pushed. */
  replaceWorkers(phoneNumberId: string, personIds: string[]): void {
    this.w.sql.exec("DELETE FROM number_members WHERE phone_number_id = ?", phoneNumberId);
    for (const id of personIds) this.w.sql.exec("INSERT INTO number_members (phone_number_id, person_id) VALUES (?, ?)", phoneNumberId, id);
  }

  forget(phoneNumberId: string): void {
    for (const table of ["numbers", "memberships", "number_members"]) this.w.sql.exec(`DELETE FROM ${table} WHERE phone_number_id = ?`, phoneNumberId);
  }

  // ---- the console's Numbers page ----

  async list(principal: Principal): Promise<Result<NumberDetail[]>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage numbers", "supervisors_only");
    const ids = this.w.sql.exec<{ phone_number_id: string }>("SELECT phone_number_id FROM numbers ORDER BY connected_at").toArray();
    return ok(await Promise.all(ids.map((r) => this.detail(r.phone_number_id))));
  }

  async update(principal: Principal, phoneNumberId: string, update: UpdateNumberRequest): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin changes a number's connection", "admins_only");
    const before = this.row(phoneNumberId);
    if (!before) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    if (update.memberIds) {
      const unknownMember = this.w.people.unknown(update.memberIds);
      if (unknownMember) return refuse(422, `memberIds: no person with id ${unknownMember} in this workspace`, "invalid_request", { field: "memberIds" });
    }
    const sealed = await sealIfGiven(this.w.env, phoneNumberId, update.accessToken);
    if (!sealed.ok) return sealed;
    if (sealed.value && update.accessToken) {
      // A replacement token proves control as the first one did: the number, and its WABA.
      const proof = await proveControl(graphWith(this.w.env, update.accessToken), phoneNumberId, before.waba_id ?? null);
      if (!proof.ok) return proof;
      this.storeCheck(phoneNumberId, proof.value, Date.now());
    }
    const oldMembers = this.explicitMembers(phoneNumberId);
    this.w.ctx.storage.transactionSync(() => {
      if (update.displayName) this.w.sql.exec("UPDATE numbers SET display_name = ? WHERE phone_number_id = ?", update.displayName, phoneNumberId);
      if (sealed.value) this.w.sql.exec("UPDATE numbers SET access_token_sealed = ? WHERE phone_number_id = ?", sealed.value, phoneNumberId);
      if (update.memberIds) this.replaceMembers(phoneNumberId, update.memberIds);
      this.w.audit.record(principal, {
        action: "number.update",
        target: `number:${phoneNumberId}`,
        targetName: update.displayName ?? before.display_name,
        oldValue: { displayName: before.display_name, memberIds: oldMembers },
        newValue: { displayName: update.displayName ?? before.display_name, memberIds: update.memberIds ?? oldMembers, accessToken: sealed.value ? "(replaced)" : "(unchanged)" },
      });
    });
    await this.w.fanout.pushNumber(phoneNumberId);
    return ok(await this.detail(phoneNumberId));
  }

  /** Asks Meta again: is the token still good, what is the number's quality rating. */
  async check(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins check a number's health", "supervisors_only");
    const row = this.row(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    const check = await checkWithGraph(this.w.env, phoneNumberId, { sealed: row.access_token_sealed, operatorConnected: row.operator_connected === 1 });
    if (check.ok) this.storeCheck(phoneNumberId, check.value, Date.now());
    return ok(await this.detail(phoneNumberId, check.ok ? null : check.title));
  }

  /** No more sending; the history stays, readable by supervisors. Connecting again restores it. */
  async disconnect(principal: Principal, phoneNumberId: string): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin disconnects a number", "admins_only");
    const row = this.row(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    if (row.disconnected_at === null) {
      this.w.sql.exec("UPDATE numbers SET disconnected_at = ? WHERE phone_number_id = ?", Date.now(), phoneNumberId);
      this.w.audit.record(principal, { action: "number.disconnect", target: `number:${phoneNumberId}`, targetName: row.display_name, oldValue: { connected: true }, newValue: { connected: false } });
      await this.w.fanout.pushNumber(phoneNumberId);
    }
    return ok(await this.detail(phoneNumberId));
  }

  async detail(phoneNumberId: string, failedCheck: string | null = null): Promise<NumberDetail> {
    const r = this.row(phoneNumberId)!;
    const health = await this.w.env.NUMBER_INBOX.getByName(phoneNumberId).health();
    const tokenValid = health.tokenValid && failedCheck === null;
    return {
      phoneNumberId,
      wabaId: r.waba_id ?? null,
      displayName: r.display_name,
      displayPhoneNumber: r.display_phone_number,
      verifiedName: r.verified_name ?? null,
      connected: r.disconnected_at === null,
      connectedAt: r.connected_at,
      disconnectedAt: r.disconnected_at ?? null,
      memberIds: this.explicitMembers(phoneNumberId),
      hasOwnToken: r.access_token_sealed !== null,
      deploymentToken: deploymentTokenServes(this.w.env, { operatorConnected: r.operator_connected === 1 }),
      health: {
        lastWebhookAt: health.lastWebhookAt,
        qualityRating: (r.quality_rating as NumberDetail["health"]["qualityRating"]) ?? "UNKNOWN",
        tokenValid,
        tokenDetail: failedCheck ?? health.detail,
        outboxLength: health.outboxLength,
        openSockets: health.openSockets,
        checkedAt: r.checked_at ?? null,
      },
    };
  }
}
