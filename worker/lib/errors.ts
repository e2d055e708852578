import type { Context } from "hono";
import type { ZodError } from "zod";
import type { Refusal, Result } from "./result";

/** One sentence per problem, naming the field: what a person or an integrator needs to fix the request. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

export function errorResponse(c: Context, status: Refusal["status"] | 413 | 415 | 500, message: string, code?: Pick<Refusal, "code" | "params">) {
  return c.json({ error: { status, message, ...(code?.code ? { code: code.code, ...(code.params ? { params: code.params } : {}) } : {}) } }, status);
}

/** The refusal's sentence for API users, and its code and parameters (when it has them) for clients that translate. */
export function refusalResponse(c: Context, refusal: Refusal) {
  return errorResponse(c, refusal.status, refusal.message, refusal);
}

/**
 * The one way a route answers an object's result: 200 with the value, or the refusal's status and sentence.
 * Typed as `never` for @hono/zod-openapi's response checks; the value's type is checked by the object's RPC types.
 */
export function respond<T>(c: Context, result: Result<T>): never {
  return (result.ok ? c.json(result.value as object, 200) : refusalResponse(c, result)) as never;
}
