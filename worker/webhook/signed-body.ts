import type { Context } from "hono";
import type { AppEnv } from "../api/context";
import { errorResponse } from "../lib/errors";
import { hasValidSignature } from "./signature";

/** One decoder for every body: decoding without `stream` keeps no state between calls, and each one made is a wrapper the runtime collects. */
const utf8 = new TextDecoder();

/** Meta's documented maximum webhook payload. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

/**
 * A webhook's body as Meta signed it: at most 3 MB, its X-Hub-Signature-256 checked over the raw bytes, then parsed.
 * Either the JSON or the answer that says what was wrong (413, 401, 400). The benchmark's floor reads its bodies here
 * too, so it pays what every webhook pays before the product does anything.
 */
export async function readSignedJson(c: Context<AppEnv>): Promise<{ json: unknown } | { refused: Response }> {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return { refused: errorResponse(c, 413, "webhook body is larger than Meta's 3 MB maximum") };
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > MAX_WEBHOOK_BYTES) return { refused: errorResponse(c, 413, "webhook body is larger than Meta's 3 MB maximum") };
  if (!(await hasValidSignature(raw, c.req.header("x-hub-signature-256"), c.env.WHATSAPP_APP_SECRET))) {
    return { refused: errorResponse(c, 401, "X-Hub-Signature-256 is missing or does not match the body") };
  }
  try {
    return { json: JSON.parse(utf8.decode(raw)) };
  } catch {
    return { refused: errorResponse(c, 400, "body is not valid JSON") };
  }
}
