import { Hono } from "hono";
import type { AppEnv } from "../api/context";
import { errorResponse } from "../lib/errors";

/**
 * The benchmark's window on the status lane, from outside the runtime: a number's tally of statuses (applied,
 * dropped, kept …) and the most early rows it held at once. Only a deployment with BENCH_PROBES=1 (the benchmark's
 * and the tests') serves it; anywhere else the route does not exist.
 */
export const benchProbes = new Hono<AppEnv>().get("/lane/:phoneNumberId", async (c) => {
  if (c.env.BENCH_PROBES !== "1") return errorResponse(c, 404, `no route for GET ${new URL(c.req.url).pathname}`);
  const health = await c.env.NUMBER_INBOX.getByName(c.req.param("phoneNumberId")).health();
  return c.json({ statuses: health.statuses, lastWebhookAt: health.lastWebhookAt });
});
