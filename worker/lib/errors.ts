import type { Context } from "hono";
import type { ZodError } from "zod";
import type { Refusal } from "./result";

/** One sentence per problem, naming the field: what a person or an integrator needs to fix the request. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

export function errorResponse(c: Context, status: Refusal["status"] | 413 | 415 | 500, message: string) {
  return c.json({ error: { status, message } }, status);
}

export function refusalResponse(c: Context, refusal: Refusal) {
  return errorResponse(c, refusal.status, refusal.message);
}
