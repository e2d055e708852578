import type { ConnectNumberRequest, NumberDetail } from "../../shared/numbers";
import { deploymentMode, deploymentTokenServes } from "../lib/deployment";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import { graphWith, ownToken, sealIfGiven } from "./number-credentials";
import { proveControl } from "./number-proof";
import type { Actor, Parts } from "./parts";
import { directoryFor } from "../directory/client";

/** Who the audit log names for what the deployment's operator did with the setup token. */
const OPERATOR: Actor = { personId: "operator", name: "Deployment operator" };

/** The same words whoever owns it: a company never learns which other one has a number, nor its id. */
const numberTaken = (phoneNumberId: string) =>
  refuse(409, `number ${phoneNumberId} is connected to another workspace of this deployment; if it is yours, ask the deployment's operator to move it`, "number_elsewhere");

/**
 * How a number comes to belong to this workspace and stops belonging to it (issue #24). Ownership is exclusive and
 * proven: a number another workspace owns is refused first; then Meta must confirm the token reads the number and
 * lists it in its WABA; then the Directory's claim (insert-if-absent) is taken, and only then is anything written.
 * No tables of its own: it composes the Directory, the numbers and the number's object.
 */
export class NumberOwnership {
  constructor(private readonly w: Parts) {}

  async connect(principal: Principal, request: ConnectNumberRequest): Promise<Result<NumberDetail>> {
    if (principal.role !== "admin") return refuse(403, "only an admin can connect a number", "admins_only");
    return this.attach(principal, request, { operator: false, moveFrom: null });
  }

  /** The operator's connect (setup token), or the second half of a move: the deployment's token may serve the number. */
  async operatorConnect(request: ConnectNumberRequest, moveFrom: string | null): Promise<Result<NumberDetail>> {
    if (!this.w.settings.exists()) return refuse(404, "no workspace with this id in this deployment");
    return this.attach(OPERATOR, request, { operator: true, moveFrom });
  }

  private async attach(actor: Actor, request: ConnectNumberRequest, via: { operator: boolean; moveFrom: string | null }): Promise<Result<NumberDetail>> {
    const { env, numbers } = this.w;
    const id = request.phoneNumberId;
    const unknownMember = this.w.people.unknown(request.memberIds);
    if (unknownMember) return refuse(422, `memberIds: no person with id ${unknownMember} in this workspace`, "invalid_request", { field: "memberIds" });
    const directory = directoryFor(env);
    const me = this.w.settings.id();
    const owner = await directory.ownerOfNumber(id);
    if (owner !== null && owner !== me && owner !== via.moveFrom) return numberTaken(id);
    if (via.moveFrom && owner !== via.moveFrom) return refuse(409, `number ${id} is no longer where the move started; look it up again`);
    const before = via.moveFrom ? undefined : numbers.row(id);
    const wabaId = request.wabaId ?? before?.waba_id ?? null;
    const operatorConnected = via.operator || before?.operator_connected === 1;
    if (deploymentMode(env) === "multi" && !via.operator && wabaId === null) {
      return refuse(422, "wabaId: this deployment serves several companies, so a number is connected with the id of the WhatsApp Business Account it belongs to", "invalid_request", { field: "wabaId" });
    }
    const sealed = await sealIfGiven(env, id, request.accessToken);
    if (!sealed.ok) return sealed;
    const token = request.accessToken ?? (await ownToken(env, id, before?.access_token_sealed)) ?? (deploymentTokenServes(env, { operatorConnected }) ? env.WHATSAPP_ACCESS_TOKEN : null);
    if (!token) {
      return refuse(422, "accessToken: this deployment serves several companies, so a company admin proves control of a number with an access token of the business's own (a system user's with whatsapp_business_management and whatsapp_business_messaging) that Meta accepts for it", "invalid_request", { field: "accessToken" });
    }
    const proof = await proveControl(graphWith(env, token), id, wabaId);
    if (!proof.ok) return proof;
    const claimed = via.moveFrom ? await directory.moveNumber(id, via.moveFrom, me, wabaId) : (await directory.claimNumber(id, wabaId, me)).owner === me;
    if (!claimed) return numberTaken(id);
    const handedOver = via.moveFrom ? await env.WORKSPACE.getByName(via.moveFrom).handOverNumber(id) : null;
    const now = Date.now();
    this.w.ctx.storage.transactionSync(() => {
      numbers.upsert({ phoneNumberId: id, displayName: request.displayName, displayPhoneNumber: proof.value.displayPhoneNumber, wabaId, sealedToken: sealed.value, operatorConnected, connectedAt: now });
      numbers.storeCheck(id, proof.value, now);
      numbers.replaceMembers(id, request.memberIds);
      this.w.audit.record(actor, {
        action: via.moveFrom ? "number.move_in" : before ? "number.reconnect" : "number.connect",
        target: `number:${id}`,
        targetName: request.displayName,
        oldValue: before ? { displayName: before.display_name, connected: before.disconnected_at === null } : handedOver ? { displayName: handedOver.displayName } : null,
        newValue: { displayName: request.displayName, wabaId, memberIds: request.memberIds, accessToken: request.accessToken ? "(replaced)" : "(unchanged)", ...(via.operator ? { by: "deployment operator" } : {}) },
      });
    });
    const pushed = await this.w.fanout.pushNumber(id, via.moveFrom ? { from: via.moveFrom } : undefined);
    if (!pushed.ok) {
      // Only a number whose object still answers to another workspace gets here (storage from before ownership was checked).
      if (!before) {
        this.forget(id);
        await directory.releaseNumbers([id], me);
      }
      return pushed;
    }
    return ok(await numbers.detail(id));
  }

  /**
   * The owner gives a number up: audited here, then its object wipes every conversation and closes its sockets (the
   * customers were this company's, not the number's next owner's), and the deployment forgets whose it was.
   */
  async release(principal: Principal, phoneNumberId: string, confirm: string): Promise<Result<{ released: string }>> {
    if (principal.role !== "admin") return refuse(403, "only an admin releases a number", "admins_only");
    const row = this.w.numbers.row(phoneNumberId);
    if (!row) return refuse(404, `number ${phoneNumberId} is not connected in this workspace`, "number_not_connected", { number: phoneNumberId });
    if (confirm !== phoneNumberId) return refuse(400, "confirm: type the phone number id again to release it; its conversations are deleted from this deployment", "confirm_number");
    const wiped = await this.w.env.NUMBER_INBOX.getByName(phoneNumberId).release(this.w.settings.id());
    if (!wiped.ok) return wiped;
    this.w.ctx.storage.transactionSync(() => {
      this.forget(phoneNumberId);
      this.w.audit.record(principal, { action: "number.release", target: `number:${phoneNumberId}`, targetName: row.display_name, oldValue: { displayName: row.display_name, wabaId: row.waba_id }, newValue: null });
    });
    await directoryFor(this.w.env).releaseNumbers([phoneNumberId], this.w.settings.id());
    return ok({ released: phoneNumberId });
  }

  /** The first half of an operator's move: the number leaves this workspace, audited, its conversations going with it. */
  handOver(phoneNumberId: string): { displayName: string } | null {
    const row = this.w.numbers.row(phoneNumberId);
    if (!row) return null;
    this.w.ctx.storage.transactionSync(() => {
      this.forget(phoneNumberId);
      this.w.audit.record(OPERATOR, { action: "number.move_out", target: `number:${phoneNumberId}`, targetName: row.display_name, oldValue: { displayName: row.display_name }, newValue: { movedTo: "another workspace, by the deployment operator" } });
    });
    return { displayName: row.display_name };
  }

  /** What a move needs to know of the number where it is now; for the operator's route only. */
  facts(phoneNumberId: string): { displayName: string; wabaId: string | null } | null {
    const row = this.w.numbers.row(phoneNumberId);
    return row ? { displayName: row.display_name, wabaId: row.waba_id ?? null } : null;
  }

  /** Everything this workspace keeps about a number, in each concern that keeps some. */
  private forget(phoneNumberId: string): void {
    this.w.numbers.forget(phoneNumberId);
    this.w.teams.forgetNumber(phoneNumberId);
    this.w.automation.forgetNumber(phoneNumberId);
    this.w.tickets.forgetNumber(phoneNumberId);
  }
}
