import { createRoute } from "@hono/zod-openapi";
import { archiveSchema, importResultSchema } from "../../shared/archive";
import { exportArchive } from "../archive/export";
import { importArchive } from "../archive/import";
import { refusalResponse, respond } from "../lib/errors";
import { requireRole, requireSession, requireSetupToken } from "./auth";
import { apiRouter } from "./context";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const exportRoute = createRoute({
  method: "get",
  path: "/workspace/export",
  summary: "The workspace's data as one JSON archive: conversations, messages, contacts, tags, attributes, settings (admin only; no credentials)",
  security: bearer,
  middleware: [requireSession, requireRole("admin")] as const,
  responses: jsonResponses(archiveSchema, "The archive, streamed"),
});

const importRoute = createRoute({
  method: "post",
  path: "/setup/import",
  summary: "Import a workspace archive into this deployment under the same ids (needs the SETUP_TOKEN secret as bearer)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(archiveSchema),
  responses: jsonResponses(importResultSchema, "Imported; each person gets a link to set a password here"),
});

export const archiveRoutes = apiRouter()
  .openapi(exportRoute, async (c) => {
    const result = await exportArchive(c.env, c.get("principal"));
    if (!result.ok) return refusalResponse(c, result) as never;
    return c.body(result.value, 200, {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="workspace-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "no-store",
    }) as never;
  })
  .openapi(importRoute, async (c) => respond(c, await importArchive(c.env, c.req.valid("json"), new URL(c.req.url).origin)));


