/**
 * Outcome of a Durable Object call that a person can get wrong. Returned rather than thrown because
 * error subclasses and their fields do not survive the RPC boundary.
 */
export type Refusal = {
  ok: false;
  status: 400 | 401 | 403 | 404 | 409 | 422 | 429 | 502 | 503;
  /** English, for API users and logs. */
  message: string;
  /** What a client renders in its reader's language (`error.<code>` in the extension's catalogue); absent on older refusals. */
  code?: string;
  params?: Record<string, string | number>;
};
export type Result<T> = { ok: true; value: T } | Refusal;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = (status: Refusal["status"], message: string, code?: string, params?: Record<string, string | number>): Refusal =>
  code ? { ok: false, status, message, code, ...(params ? { params } : {}) } : { ok: false, status, message };

/** Who is calling, as established from their session token. */
export interface Principal {
  workspaceId: string;
  personId: string;
  name: string;
  role: "admin" | "supervisor" | "agent";
}

export const seesEverything = (p: Pick<Principal, "role">): boolean => p.role !== "agent";
