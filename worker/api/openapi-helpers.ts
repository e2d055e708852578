import { z } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import { errorBodySchema } from "../../shared/error-codes";

/** The error body (shared/error-codes.ts): an English `message`, and a stable `code` with `params` for clients that translate. */
export const errorSchema = errorBodySchema;

const errorResponses = Object.fromEntries(
  ([400, 401, 403, 404, 409, 422, 429, 502] as const).map((status) => [
    status,
    { description: "Refused; the message says why", content: { "application/json": { schema: errorSchema } } },
  ]),
) as Record<400 | 401 | 403 | 404 | 409 | 422 | 429 | 502, { description: string; content: { "application/json": { schema: typeof errorSchema } } }>;

/** A JSON success response plus the documented refusals every route can give. */
export function jsonResponses<T extends ZodType>(schema: T, description: string) {
  return {
    200: { description, content: { "application/json": { schema } } },
    ...errorResponses,
  };
}

export function jsonBody<T extends ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}

export const bearer = [{ bearer: [] as string[] }];
