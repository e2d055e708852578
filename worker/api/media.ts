import { Hono } from "hono";
import { downloadMedia, uploadMedia } from "../graph/client";
import { graphForNumber } from "../graph/number-graph";
import { errorResponse } from "../lib/errors";
import { requireSession } from "./auth";
import type { AppEnv } from "./context";

/** WhatsApp's media limit for documents; images and audio are smaller still. */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;


/**
 * Media passes through the worker both ways, so the access token never leaves it: the side panel
 * asks for a customer's photo by media id and gets the bytes; it uploads a file and gets a media id to send.
 * The number gate has checked the number is the caller's workspace's; a media id is served only if a message the
 * caller may see on that number carries it.
 */
export const mediaRoutes = new Hono<AppEnv>()
  .get("/numbers/:phoneNumberId/media/:mediaId", requireSession, async (c) => {
    const { phoneNumberId, mediaId } = c.req.param();
    if (!/^[\w.-]{1,100}$/.test(mediaId)) return errorResponse(c, 400, "mediaId is not a WhatsApp media id");
    const visible = await c.env.NUMBER_INBOX.getByName(phoneNumberId).mediaVisible(c.get("principal"), mediaId);
    if (!visible) return errorResponse(c, 404, `no message you can see carries media ${mediaId}`);
    const result = await downloadMedia(await graphForNumber(c.env, c.get("principal").workspaceId, phoneNumberId), mediaId);
    if (!result.ok) return errorResponse(c, 502, `WhatsApp did not hand over the media: ${result.title}`);
    return new Response(result.value.body, {
      headers: {
        "content-type": result.value.headers.get("content-type") ?? "application/octet-stream",
        "cache-control": "private, max-age=3600",
      },
    });
  })
  .post("/numbers/:phoneNumberId/media", requireSession, async (c) => {
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > MAX_UPLOAD_BYTES) return errorResponse(c, 413, "the file is larger than WhatsApp's 100 MB limit", { code: "file_too_large", params: { mb: 100 } });
    const form = await c.req.formData().catch(() => null);
    const file = form?.get("file");
    if (!file || typeof file === "string") return errorResponse(c, 400, "send the file as multipart/form-data in a field named file");
    const result = await uploadMedia(await graphForNumber(c.env, c.get("principal").workspaceId, c.req.param("phoneNumberId")), c.req.param("phoneNumberId"), file, file.name || "upload");
    if (!result.ok) return errorResponse(c, 502, `WhatsApp refused the upload: ${result.title}`);
    return c.json({ mediaId: result.value });
  });
