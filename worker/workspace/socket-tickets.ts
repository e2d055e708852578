import { sha256Base64Url } from "../lib/bytes";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import { workspaceToken } from "./ids";
import type { Parts } from "./parts";

const SOCKET_TICKET_LIFETIME_MS = 60_000;

/** The socket_tickets table: single-use, one-minute tickets that open one number's live socket. */
export class SocketTickets {
  constructor(private readonly w: Parts) {}

  async issue(principal: Principal, phoneNumberId: string): Promise<Result<{ ticket: string; expiresAt: number }>> {
    const access = this.w.numbers.access(principal, phoneNumberId);
    if (access === "not_here") return refuse(404, `number ${phoneNumberId} is not connected in this workspace`, "number_not_connected", { number: phoneNumberId });
    if (access === "not_member") return refuse(403, `you are not a member of number ${phoneNumberId}`, "not_member", { number: phoneNumberId });
    const ticket = workspaceToken(this.w.settings.id());
    const expiresAt = Date.now() + SOCKET_TICKET_LIFETIME_MS;
    this.w.sql.exec("DELETE FROM socket_tickets WHERE expires_at < ?", Date.now());
    this.w.sql.exec(
      "INSERT INTO socket_tickets (ticket_hash, person_id, phone_number_id, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Base64Url(ticket),
      principal.personId,
      phoneNumberId,
      expiresAt,
    );
    return ok({ ticket, expiresAt });
  }

  /** Single use: the ticket is deleted whether or not it is still valid. */
  async redeem(ticket: string, phoneNumberId: string): Promise<Principal | null> {
    const ticketHash = await sha256Base64Url(ticket);
    const row = this.w.sql
      .exec<{ person_id: string; phone_number_id: string; expires_at: number }>(
        "DELETE FROM socket_tickets WHERE ticket_hash = ? RETURNING person_id, phone_number_id, expires_at",
        ticketHash,
      )
      .toArray()[0];
    if (!row || row.expires_at < Date.now() || row.phone_number_id !== phoneNumberId) return null;
    return this.w.people.principalOf(row.person_id);
  }

  forgetPerson(personId: string): void {
    this.w.sql.exec("DELETE FROM socket_tickets WHERE person_id = ?", personId);
  }

  forgetNumber(phoneNumberId: string): void {
    this.w.sql.exec("DELETE FROM socket_tickets WHERE phone_number_id = ?", phoneNumberId);
  }
}
