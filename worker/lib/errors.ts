import type { Context } from "hono";
import type { ZodError } from "zod";
import { type ErrorStatus, genericErrorCode } from "../../shared/error-codes";
import type { Refusal, Result } from "./result";

/** What a caught value says: an Error's message, or anything else as a string (a rejection may carry any value). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One sentence per problem, naming the field: what a person or an integrator needs to fix the request. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

/** The coded form of a validation failure: the first field at fault, which a client names in its reader's language. */
export function zodErrorCode(error: ZodError): Pick<Refusal, "code" | "params"> {
  const first = error.issues[0];
  return { code: "invalid_request", params: { field: first?.path.length ? first.path.join(".") : "body" } };
}

/**
 * Every error body: the English sentence for API users and logs, and a stable code with its parameters that clients
 * render in their reader's language (shared/error-codes.ts). A refusal with no code of its own gets its status's.
 */
export function errorResponse(c: Context, status: ErrorStatus, message: string, code?: Pick<Refusal, "code" | "params">) {
  return c.json({ error: { status, message, code: code?.code ?? genericErrorCode(status), params: code?.params ?? {} } }, status);
}

/** The refusal's sentence for API users, and its code and parameters for clients that translate. */
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
