import { z } from "zod";

/**
 * The error body every API route answers with. `message` is English, for API users and logs; `code` and `params` are
 * what a client renders in its reader's language. Codes are stable: a client that does not know one shows `message`.
 */
export const errorBodySchema = z.object({
  error: z.object({
    status: z.number().int(),
    message: z.string(),
    code: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 426 | 429 | 500 | 502 | 503;

const GENERIC: Record<ErrorStatus, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  415: "unsupported_type",
  422: "unprocessable",
  426: "upgrade_required",
  429: "too_many_requests",
  500: "internal",
  502: "upstream_refused",
  503: "unavailable",
};

/** The code of a refusal that has none more specific: what its status means, said plainly. */
export const genericErrorCode = (status: ErrorStatus): string => GENERIC[status];
