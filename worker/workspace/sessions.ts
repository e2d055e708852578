import type { Session } from "../../shared/people";
import { sha256Base64Url } from "../lib/bytes";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import { afterFailure, freshThrottle, lockRemaining, type ThrottleState } from "../lib/sign-in-throttle";
import { workspaceToken } from "./ids";
import type { Parts } from "./parts";
import { verifyPassword } from "./password";

/** The sessions table: signed-in devices, by the hash of their bearer token, with a sliding expiry. */
export class Sessions {
  constructor(private readonly w: Parts) {}

  async signIn(email: string, password: string): Promise<Result<Session>> {
    const person = this.w.people.byEmail(email);
    const now0 = Date.now();
    const throttle = person?.sign_in_throttle ? (JSON.parse(person.sign_in_throttle) as ThrottleState) : freshThrottle;
    const locked = lockRemaining(throttle, now0);
    if (person && locked > 0) {
      return refuse(429, `too many wrong passwords for this account; try again in ${Math.ceil(locked / 60_000)} min or ask an admin to reset it`, "sign_in_locked", { minutes: Math.ceil(locked / 60_000) });
    }
    // Hash even for an unknown email so the answer takes as long either way.
    const valid = await verifyPassword(password, person?.password_hash ?? "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAA");
    if (person && !valid) this.w.people.setThrottle(person.id, JSON.stringify(afterFailure(throttle, now0)));
    if (!person || !valid) return refuse(401, "email or password is wrong", "wrong_credentials");
    if (person.active !== 1) return refuse(401, "this account was deactivated; ask an admin of your team", "account_deactivated");
    if (person.sign_in_throttle) this.w.people.setThrottle(person.id, null);
    const token = workspaceToken(this.w.settings.id());
    const now = Date.now();
    this.w.sql.exec(
      "INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      await sha256Base64Url(token),
      person.id,
      now,
      now + this.w.settings.sessionLifetimeMs(),
    );
    // A fresh sign-in starts Away: nobody receives conversations before they say they are ready.
    await this.w.people.applyStatus(person.id, "away");
    return ok({ token, ...this.w.people.describe(person.id) });
  }

  async authenticate(token: string): Promise<Principal | null> {
    const tokenHash = await sha256Base64Url(token);
    const now = Date.now();
    const row = this.w.sql
      .exec<{ person_id: string; expires_at: number }>("SELECT person_id, expires_at FROM sessions WHERE token_hash = ?", tokenHash)
      .toArray()[0];
    if (!row || row.expires_at < now) return null;
    // Sliding expiry, written at most once an hour per session.
    const lifetime = this.w.settings.sessionLifetimeMs();
    if (row.expires_at - now < lifetime - 3600_000) {
      this.w.sql.exec("UPDATE sessions SET expires_at = ? WHERE token_hash = ?", now + lifetime, tokenHash);
    }
    return this.w.people.principalOf(row.person_id);
  }

  async signOut(token: string): Promise<void> {
    this.w.sql.exec("DELETE FROM sessions WHERE token_hash = ?", await sha256Base64Url(token));
  }

  /** Every session of a person ends, but the one whose token hash is kept (the device changing its password). */
  endAllOf(personId: string, keepHash: string | null = null): void {
    this.w.sql.exec("DELETE FROM sessions WHERE person_id = ? AND token_hash IS NOT ?", personId, keepHash);
  }

  /** No session outlives this instant (a shorter session limit applies to everyone signed in). */
  expireAllBy(latest: number): void {
    this.w.sql.exec("UPDATE sessions SET expires_at = MIN(expires_at, ?)", latest);
  }
}
