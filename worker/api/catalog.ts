import { createRoute, z } from "@hono/zod-openapi";
import {
  attributeDefinitionSchema,
  attributeRequestSchema,
  attributeValueSchema,
  cannedRequestSchema,
  cannedResponseSchema,
  catalogSchema,
  contactLanguageSchema,
  contactProfileSchema,
  tagChangeSchema,
  tagGroupRequestSchema,
  tagGroupSchema,
  tagRequestSchema,
  tagSchema,
  attributeUpdateSchema,
  cannedImportResultSchema,
  tagGroupUpdateSchema,
  tagUpdateSchema,
  tagUsageSchema,
} from "../../shared/catalog";
import { errorResponse, respond } from "../lib/errors";
import { nestsDeeperThan } from "../lib/json-depth";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { numberParams } from "./conversations";
import { bearer, jsonBody, jsonResponses } from "./openapi-helpers";

const contactParams = numberParams.extend({ contactId: z.string().regex(/^\d{1,15}$/, "contactId must be numeric") });

const getCatalog = createRoute({
  method: "get",
  path: "/catalog",
  summary: "Company tags (with single-choice groups), contact attribute definitions, company and my canned responses",
  security: bearer,
  middleware: [requireSession] as const,
  responses: jsonResponses(catalogSchema, "Catalog"),
});

const createTagGroup = createRoute({
  method: "post",
  path: "/tag-groups",
  summary: "Create a tag group; single-choice groups keep one tag per customer",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(tagGroupRequestSchema),
  responses: jsonResponses(tagGroupSchema, "Created"),
});

const createTag = createRoute({
  method: "post",
  path: "/tags",
  summary: "Create a company tag",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(tagRequestSchema),
  responses: jsonResponses(tagSchema, "Created"),
});

const createAttribute = createRoute({
  method: "post",
  path: "/attributes",
  summary: "Define a contact attribute (text, number, date, single or multi choice, checkbox, link)",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(attributeRequestSchema),
  responses: jsonResponses(attributeDefinitionSchema, "Created"),
});

const createCanned = createRoute({
  method: "post",
  path: "/canned-responses",
  summary: "Add a canned response: personal, or to the company library (supervisors)",
  security: bearer,
  middleware: [requireSession] as const,
  request: jsonBody(cannedRequestSchema),
  responses: jsonResponses(cannedResponseSchema, "Saved"),
});

const updateCanned = createRoute({
  method: "put",
  path: "/canned-responses/{id}",
  summary: "Edit a canned response you may edit",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: z.object({ id: z.string().min(1) }), ...jsonBody(cannedRequestSchema) },
  responses: jsonResponses(cannedResponseSchema, "Saved"),
});

const deleteCanned = createRoute({
  method: "delete",
  path: "/canned-responses/{id}",
  summary: "Delete a canned response you may edit",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: jsonResponses(z.object({ ok: z.literal(true) }), "Deleted"),
});

const getContact = createRoute({
  method: "get",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}",
  summary: "The customer panel: profile, tags, attributes with who and when, past conversations",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: contactParams },
  responses: jsonResponses(contactProfileSchema, "Customer"),
});

const changeTags = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}/tags",
  summary: "Add or remove one tag; a single-choice group keeps one; colleagues see it live",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: contactParams, ...jsonBody(tagChangeSchema) },
  responses: jsonResponses(contactProfileSchema, "Customer after the change"),
});

const setAttribute = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}/attributes/{key}",
  summary: "Set an attribute, validated by its type (null clears it)",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: contactParams.extend({ key: z.string().min(1).max(40) }), ...jsonBody(attributeValueSchema) },
  responses: jsonResponses(contactProfileSchema, "Customer after the change"),
});

const setContactLanguage = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}/language",
  summary: "The customer's language as detected on an agent's device (a BCP 47 tag); supervisors filter and report by it",
  security: bearer,
  middleware: [requireSession] as const,
  request: { params: contactParams, ...jsonBody(contactLanguageSchema) },
  responses: jsonResponses(contactProfileSchema, "Customer after the change"),
});

const idParams = z.object({ id: z.string().min(1).max(40) });
const keyParams = z.object({ key: z.string().min(1).max(40) });
const done = jsonResponses(z.object({ ok: z.literal(true) }), "Done");

const updateTagGroup = createRoute({
  method: "put",
  path: "/tag-groups/{id}",
  summary: "Rename a tag group or make it single-choice",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: idParams, ...jsonBody(tagGroupUpdateSchema) },
  responses: jsonResponses(tagGroupSchema, "Saved"),
});
const deleteTagGroup = createRoute({
  method: "delete",
  path: "/tag-groups/{id}",
  summary: "Delete a tag group; its tags stay, ungrouped",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: idParams },
  responses: done,
});
const updateTag = createRoute({
  method: "put",
  path: "/tags/{id}",
  summary: "Rename, recolour or regroup a tag; every tagged customer shows the change at once",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: idParams, ...jsonBody(tagUpdateSchema) },
  responses: jsonResponses(tagSchema, "Saved"),
});
const deleteTag = createRoute({
  method: "delete",
  path: "/tags/{id}",
  summary: "Delete a tag and take it off every customer; answers how many carried it",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: idParams },
  responses: jsonResponses(z.object({ ok: z.literal(true), removedFrom: z.number() }), "Deleted"),
});
const tagUsage = createRoute({
  method: "get",
  path: "/tags/usage",
  summary: "How many customers and conversations carry each tag, over every number",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(tagUsageSchema, "Usage"),
});
const updateAttribute = createRoute({
  method: "put",
  path: "/attributes/{key}",
  summary: "Change an attribute's labels, type, options or whether agents may edit it",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: keyParams, ...jsonBody(attributeUpdateSchema) },
  responses: jsonResponses(attributeDefinitionSchema, "Saved"),
});
const deleteAttribute = createRoute({
  method: "delete",
  path: "/attributes/{key}",
  summary: "Stop showing an attribute on customers",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: { params: keyParams },
  responses: done,
});
const cannedLibrary = createRoute({
  method: "get",
  path: "/canned-responses/library",
  summary: "The whole company library, including responses limited to teams",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: jsonResponses(z.object({ canned: z.array(cannedResponseSchema) }), "Library"),
});
const cannedExport = createRoute({
  method: "get",
  path: "/canned-responses/export.csv",
  summary: "The company library as CSV: shortcode, title, body, language, teams (names joined by |)",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
});
const cannedImport = createRoute({
  method: "post",
  path: "/canned-responses/import",
  summary: "Import a CSV into the company library; bad rows are reported by row number, the rest are saved",
  security: bearer,
  middleware: [requireSession, requireRole("admin", "supervisor")] as const,
  request: jsonBody(z.object({ csv: z.string().min(1, "csv: the file is empty").max(2_000_000, "csv: keep the file under 2 MB") })),
  responses: jsonResponses(cannedImportResultSchema, "Imported"),
});

export const catalogRoutes = apiRouter()
  .openapi(updateTagGroup, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).updateTagGroup(principal, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(deleteTagGroup, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).deleteTagGroup(principal, c.req.valid("param").id));
  })
  .openapi(tagUsage, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).tagUsage(principal);
    return respond(c, result.ok ? { ok: true, value: { usage: result.value } } : result);
  })
  .openapi(updateTag, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).updateTag(principal, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(deleteTag, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).deleteTag(principal, c.req.valid("param").id));
  })
  .openapi(updateAttribute, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).updateAttribute(principal, c.req.valid("param").key, c.req.valid("json")));
  })
  .openapi(deleteAttribute, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).deleteAttribute(principal, c.req.valid("param").key));
  })
  .openapi(cannedLibrary, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).cannedLibrary(principal);
    return respond(c, result.ok ? { ok: true, value: { canned: result.value } } : result);
  })
  .openapi(cannedExport, async (c) => {
    const principal = c.get("principal");
    const result = await c.env.WORKSPACE.getByName(principal.workspaceId).exportCanned(principal);
    if (!result.ok) return respond(c, result);
    return c.body(result.value, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="canned-responses.csv"' });
  })
  .openapi(cannedImport, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).importCanned(principal, c.req.valid("json").csv));
  })
  .openapi(getCatalog, async (c) => {
    const principal = c.get("principal");
    return c.json(await c.env.WORKSPACE.getByName(principal.workspaceId).catalog(principal), 200);
  })
  .openapi(createTagGroup, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).createTagGroup(principal, c.req.valid("json")));
  })
  .openapi(createTag, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).createTag(principal, c.req.valid("json")));
  })
  .openapi(createAttribute, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).createAttribute(principal, c.req.valid("json")));
  })
  .openapi(createCanned, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).saveCanned(principal, null, c.req.valid("json")));
  })
  .openapi(updateCanned, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).saveCanned(principal, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(deleteCanned, async (c) => {
    const principal = c.get("principal");
    return respond(c, await c.env.WORKSPACE.getByName(principal.workspaceId).deleteCanned(principal, c.req.valid("param").id));
  })
  .openapi(getContact, async (c) => {
    const { phoneNumberId, contactId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).contactProfile(c.get("principal"), contactId));
  })
  .openapi(changeTags, async (c) => {
    const { phoneNumberId, contactId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).changeTag(c.get("principal"), contactId, c.req.valid("json")));
  })
  .openapi(setAttribute, async (c) => {
    const { phoneNumberId, contactId, key } = c.req.valid("param");
    // No attribute value nests (a list of options is the deepest); the number's object could not even be handed a very deep one.
    const { value } = c.req.valid("json");
    if (nestsDeeperThan(value, 4)) return errorResponse(c, 400, `${key}: expected text, a number, true or false, a list of options, or null`, { code: "invalid_request", params: { field: key } }) as never;
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).setAttribute(c.get("principal"), contactId, key, value));
  })
  .openapi(setContactLanguage, async (c) => {
    const { phoneNumberId, contactId } = c.req.valid("param");
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).setContactLanguage(c.get("principal"), contactId, c.req.valid("json").language));
  });
