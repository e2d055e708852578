import { z } from "@hono/zod-openapi";
import type { ZodType } from "zod";

export const errorSchema = z.object({
  error: z.object({
    status: z.number(),
    message: z.string(),
    /** Stable, for clients that show the refusal in their reader's language; `message` is its English sentence. */
    code: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
});

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
