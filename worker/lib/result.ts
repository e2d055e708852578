/**
 * Outcome of a Durable Object call that a person can get wrong. Returned rather than thrown because
 * error subclasses and their fields do not survive the RPC boundary.
 */
export type Refusal = { ok: false; status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 502 | 503; message: string };
export type Result<T> = { ok: true; value: T } | Refusal;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = (status: Refusal["status"], message: string): Refusal => ({ ok: false, status, message });

/** Who is calling, as established from their session token. */
export interface Principal {
  workspaceId: string;
  personId: string;
  name: string;
  role: "admin" | "supervisor" | "agent";
}

export const seesEverything = (p: Pick<Principal, "role">): boolean => p.role !== "agent";
