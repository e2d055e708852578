import { createRoute, z } from "@hono/zod-openapi";
import { archiveSchema, importManifestSchema, importResultSchema, importRowsRequestSchema } from "../../shared/archive";
import { exportArchive } from "../archive/export";
import { beginImport, finishImport, importArchive, importRows } from "../archive/import";
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

const beginRoute = createRoute({
  method: "post",
  path: "/setup/import/begin",
  summary: "Begin an import in steps, for archives too large for one request: every check that refuses the whole archive runs here (SETUP_TOKEN)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(importManifestSchema),
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Begun; send the rows"),
});

const rowsRoute = createRoute({
  method: "post",
  path: "/setup/import/rows",
  summary: "One page of one table of an import that has begun (SETUP_TOKEN)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(importRowsRequestSchema),
  responses: jsonResponses(z.object({ rows: z.number() }), "Rows written"),
});

const finishRoute = createRoute({
  method: "post",
  path: "/setup/import/finish",
  summary: "Finish an import in steps: the workspace exists from here on (SETUP_TOKEN)",
  middleware: [requireSetupToken] as const,
  request: jsonBody(importManifestSchema),
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
  .openapi(importRoute, async (c) => respond(c, await importArchive(c.env, c.req.valid("json"), new URL(c.req.url).origin)))
  .openapi(beginRoute, async (c) => {
    const began = await beginImport(c.env, c.req.valid("json"));
    return respond(c, began.ok ? { ok: true, value: { ok: true as const } } : began);
  })
  .openapi(rowsRoute, async (c) => {
    const { workspaceId, store, table, rows } = c.req.valid("json");
    return respond(c, await importRows(c.env, workspaceId, store, table, rows));
  })
  .openapi(finishRoute, async (c) => respond(c, await finishImport(c.env, c.req.valid("json"), new URL(c.req.url).origin)));


