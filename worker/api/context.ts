import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../env";
import { describeZodError, errorResponse, zodErrorCode } from "../lib/errors";
import type { Principal } from "../lib/result";

export interface AppEnv {
  Bindings: Env;
  Variables: { principal: Principal; token: string };
}

/** Every API router validates with the shared zod schemas and answers 400 naming the field at fault. */
export function apiRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, 400, describeZodError(result.error), zodErrorCode(result.error));
    },
  });
}
