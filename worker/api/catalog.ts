import { createRoute, z } from "@hono/zod-openapi";
import {
  attributeDefinitionSchema,
  attributeRequestSchema,
  attributeValueSchema,
  cannedRequestSchema,
  cannedResponseSchema,
  catalogSchema,
  contactProfileSchema,
  tagChangeSchema,
  tagGroupRequestSchema,
  tagGroupSchema,
  tagRequestSchema,
  tagSchema,
} from "../../shared/catalog";
import { respond } from "../lib/errors";
import { requireRole, requireSession } from "./auth";
import { apiRouter } from "./context";
import { numberParams, requireNumberAccess } from "./conversations";
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
  middleware: [requireSession, requireNumberAccess] as const,
  request: { params: contactParams },
  responses: jsonResponses(contactProfileSchema, "Customer"),
});

const changeTags = createRoute({
  method: "post",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}/tags",
  summary: "Add or remove one tag; a single-choice group keeps one; colleagues see it live",
  security: bearer,
  middleware: [requireSession, requireNumberAccess] as const,
  request: { params: contactParams, ...jsonBody(tagChangeSchema) },
  responses: jsonResponses(contactProfileSchema, "Customer after the change"),
});

const setAttribute = createRoute({
  method: "put",
  path: "/numbers/{phoneNumberId}/contacts/{contactId}/attributes/{key}",
  summary: "Set an attribute, validated by its type (null clears it)",
  security: bearer,
  middleware: [requireSession, requireNumberAccess] as const,
  request: { params: contactParams.extend({ key: z.string().min(1).max(40) }), ...jsonBody(attributeValueSchema) },
  responses: jsonResponses(contactProfileSchema, "Customer after the change"),
});

export const catalogRoutes = apiRouter()
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
    return respond(c, await c.env.NUMBER_INBOX.getByName(phoneNumberId).setAttribute(c.get("principal"), contactId, key, c.req.valid("json").value));
  });
