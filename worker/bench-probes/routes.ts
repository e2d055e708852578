import { Hono } from "hono";
import type { AppEnv } from "../api/context";
import { errorResponse } from "../lib/errors";
import { readSignedJson } from "../webhook/signed-body";
import { callCounts, resetCallCounts } from "./call-count";

type Floor = "rpc" | "insert";

/** The first message's wamid and the number it was sent to, read without the webhook schema (the floor has none). */
function firstMessage(json: unknown): { phoneNumberId: string; wamid: string } {
  const value = (json as { entry?: { changes?: { value?: { metadata?: { phone_number_id?: string }; messages?: { id?: string }[] } }[] }[] })?.entry?.[0]
    ?.changes?.[0]?.value;
  return { phoneNumberId: value?.metadata?.phone_number_id ?? "floor", wamid: value?.messages?.[0]?.id ?? crypto.randomUUID() };
}

/**
 * POST /bench/floor/rpc and /bench/floor/insert: what a webhook costs before the product does anything —
 * the signature over the raw bytes, JSON.parse, one RPC into a Durable Object per number that stores nothing (rpc)
 * or one row (insert). The benchmark compares the real webhook route with these, in the same run. Answered only
 * on a deployment with BENCH_PROBES=1 (the benchmark's own); 404 everywhere else.
 */
export const benchProbeRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.env.BENCH_PROBES !== "1") return errorResponse(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    await next();
  })
  // The scale simulation's count of calls between objects since the last reset (call-count.ts).
  .get("/calls", (c) => c.json(callCounts()))
  .delete("/calls", (c) => {
    resetCallCounts();
    return c.json({ reset: true });
  })
  // The isolate's stalls over the next few seconds (BenchFloor.stalls), for the flood's diagnostics.
  .get("/stalls/:seconds{[0-9]+}", async (c) => c.json(await c.env.BENCH_FLOOR.getByName("stalls").stalls(Math.min(120, Number(c.req.param("seconds"))))))
  .post("/floor/:floor{rpc|insert}", async (c) => {
  const read = await readSignedJson(c);
  if ("refused" in read) return read.refused;
  const { json } = read;
  const { phoneNumberId, wamid } = firstMessage(json);
  const floor = c.req.param("floor") as Floor;
  const object = c.env.BENCH_FLOOR.getByName(phoneNumberId);
  if (floor === "rpc") await object.nothing(json);
  else await object.insertOne(wamid, json);
  return c.text("EVENT_RECEIVED", 200);
});
