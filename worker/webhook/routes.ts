import { Hono } from "hono";
import { webhookPayloadSchema } from "../../shared/webhook";
import type { AppEnv } from "../api/context";
import { describeZodError, errorResponse } from "../lib/errors";
import { nestsDeeperThan } from "../lib/json-depth";
import { readSignedJson } from "./signed-body";
import { splitByNumber, type NumberBatch, type OtherChange } from "./split";
import { enqueueStatuses } from "../status-lane/producer";
import type { Env } from "../env";
import { directoryFor } from "../directory/client";
import { SHARED_CALL_FALLBACK_MS, SHARED_CALL_HOLD_MS, SHARED_CALL_POLL_MS, SharedCalls } from "./shared-calls";
import { MAX_DELIVERIES_PER_COMMIT, type IngestOutcome, type IngestResult } from "../number-inbox/webhook-delivery";

/** Account-level fields are rare; each goes to its workspace's event log, found through the directory. */
async function recordOtherChanges(env: Env, changes: OtherChange[]): Promise<void> {
  if (changes.length === 0) return;
  const directory = directoryFor(env);
  const byWorkspace = new Map<string, OtherChange[]>();
  for (const change of changes) {
    const workspaceId = await directory.workspaceForChange(change.phoneNumberId, change.entryId);
    if (!workspaceId) continue;
    byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), change]);
  }
  await Promise.all([...byWorkspace].map(([id, list]) => env.WORKSPACE.getByName(id).recordEvents(list)));
}

/**
 * Webhooks for one number arriving in this isolate together share one call into its object (shared-calls.ts). The
 * object's own commit hold (commit-hold.ts) still groups calls that come from different isolates.
 */
const numberCalls = new SharedCalls<NumberBatch, IngestOutcome>({
  sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)),
  now: () => Date.now(),
  holdLimitMs: SHARED_CALL_HOLD_MS,
  pollMs: SHARED_CALL_POLL_MS,
  maxGroup: MAX_DELIVERIES_PER_COMMIT,
  fallbackMs: SHARED_CALL_FALLBACK_MS,
});

/** One batch stored by its number's object, in a call shared with the batches that arrived with it. */
async function storedBatch(env: Env, execution: { waitUntil(work: Promise<unknown>): void }, batch: NumberBatch): Promise<IngestResult> {
  const outcome = await numberCalls.submit(batch.phoneNumberId, batch, {
    call: (together) => env.NUMBER_INBOX.getByName(batch.phoneNumberId).ingest(together),
    keepAlive: (work) => execution.waitUntil(work),
  });
  if ("failed" in outcome) throw new Error(`number ${batch.phoneNumberId} could not store a webhook batch: ${outcome.failed}`);
  return outcome;
}

/** Meta's payloads nest about ten levels; far deeper JSON cannot be handed to a number's object (see nestsDeeperThan). */
export const MAX_WEBHOOK_DEPTH = 64;

export const webhookRoutes = new Hono<AppEnv>()
  // Verification handshake: Meta sends it when the callback URL is saved in the App Dashboard.
  .get("/whatsapp", (c) => {
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token");
    const challenge = c.req.query("hub.challenge");
    if (mode === "subscribe" && token !== undefined && challenge !== undefined && c.env.WHATSAPP_VERIFY_TOKEN && token === c.env.WHATSAPP_VERIFY_TOKEN) {
      return c.body(challenge, 200, { "content-type": "text/plain; charset=utf-8" });
    }
    return c.text("verification refused: hub.mode must be subscribe and hub.verify_token must match", 403);
  })
  .post("/whatsapp", async (c) => {
    const read = await readSignedJson(c);
    if ("refused" in read) return read.refused;
    const { json } = read;
    if (nestsDeeperThan(json, MAX_WEBHOOK_DEPTH)) return errorResponse(c, 400, `not a WhatsApp webhook: the JSON nests deeper than ${MAX_WEBHOOK_DEPTH} levels`);
    const parsed = webhookPayloadSchema.safeParse(json);
    if (!parsed.success) return errorResponse(c, 400, `not a WhatsApp webhook: ${describeZodError(parsed.error)}`);

    const { batches, statuses, otherChanges } = splitByNumber(parsed.data);
    const receivedAt = Date.now();
    // Customer messages are stored before the answer, so a 200 still means "stored"; statuses go to the status lane
    // and a 200 means the queue holds them. Either failing answers 500 and Meta retries the whole POST, which is safe:
    // the object drops wamids it already stored and a status applied twice changes nothing.
    const [results, queued] = await Promise.all([
      Promise.all(batches.map((b) => storedBatch(c.env, c.executionCtx, b))),
      statuses.size === 0
        ? Promise.resolve(true)
        : enqueueStatuses(c.env.STATUS_LANE, statuses, receivedAt).then(
            () => true,
            (error: unknown) => {
              console.error("status lane: the queue refused statuses; answering 500 so Meta retries", error);
              return false;
            },
          ),
    ]);
    if (!queued) return errorResponse(c, 500, "statuses could not be queued; Meta retries the delivery");
    await recordOtherChanges(c.env, otherChanges);
    const unconnected = batches.filter((_, i) => !results[i]!.connected).map((b) => b.phoneNumberId);
    if (unconnected.length > 0) console.warn(`webhook for unconnected number(s) ${unconnected.join(", ")} acknowledged`);
    return c.text("EVENT_RECEIVED");
  });
