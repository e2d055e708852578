import { z } from "zod";

/** Company-wide definitions agents work with: tags, contact attributes, canned responses. */

export const tagGroupSchema = z.object({ id: z.string(), name: z.string(), singleChoice: z.boolean() });
export type TagGroup = z.infer<typeof tagGroupSchema>;

export const tagSchema = z.object({ id: z.string(), name: z.string(), color: z.string(), groupId: z.string().nullable() });
export type Tag = z.infer<typeof tagSchema>;

export const attributeTypeSchema = z.enum(["text", "number", "date", "single_choice", "multi_choice", "checkbox", "link"]);
export type AttributeType = z.infer<typeof attributeTypeSchema>;

export const attributeDefinitionSchema = z.object({
  key: z.string(),
  labelEn: z.string(),
  labelZh: z.string(),
  type: attributeTypeSchema,
  options: z.array(z.string()),
  agentsCanEdit: z.boolean(),
});
export type AttributeDefinition = z.infer<typeof attributeDefinitionSchema>;

export const cannedResponseSchema = z.object({
  id: z.string(),
  shortcode: z.string(),
  title: z.string(),
  body: z.string(),
  language: z.string(),
  /** null for the company library; the agent's id for their personal ones. */
  ownerId: z.string().nullable(),
  /** Company responses only: the teams that see it; empty means everyone. */
  teamIds: z.array(z.string()).default([]),
});
export type CannedResponse = z.infer<typeof cannedResponseSchema>;

export const catalogSchema = z.object({
  tagGroups: z.array(tagGroupSchema),
  tags: z.array(tagSchema),
  attributes: z.array(attributeDefinitionSchema),
  canned: z.array(cannedResponseSchema),
});
export type Catalog = z.infer<typeof catalogSchema>;

const name = z.string().trim().min(1, "name must not be empty").max(60);
export const tagGroupRequestSchema = z.object({ name, singleChoice: z.boolean().default(false) });
export const tagRequestSchema = z.object({
  name,
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "color must look like #1fa855").default("#5b6770"),
  groupId: z.string().nullable().default(null),
});
export const attributeRequestSchema = z.object({
  key: z.string().trim().min(1).max(40),
  labelEn: z.string().trim().min(1).max(60),
  labelZh: z.string().trim().min(1).max(60),
  type: attributeTypeSchema,
  options: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
  agentsCanEdit: z.boolean().default(true),
});
export const cannedRequestSchema = z.object({
  shortcode: z.string().trim().regex(/^[\p{L}\p{N}_-]{1,30}$/u, "shortcode: letters, digits, - and _ only, up to 30").transform((v) => v.toLowerCase()),
  title: z.string().trim().min(1).max(80),
  body: z.string().trim().min(1, "body must not be empty").max(4096),
  language: z.string().trim().min(2).max(10).default("zh"),
  /** Company responses are for supervisors; agents always create personal ones. */
  company: z.boolean().default(false),
  /** For company responses: only these teams see it; empty is everyone. */
  teamIds: z.array(z.string()).max(50).default([]),
});
export type CannedRequest = z.infer<typeof cannedRequestSchema>;

/** Renaming a tag changes it everywhere at once: contacts carry the tag's id, not its name. */
export const tagUpdateSchema = z
  .object({
    name: name.optional(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "color must look like #1fa855").optional(),
    groupId: z.string().nullable().optional(),
  })
  .refine((t) => t.name !== undefined || t.color !== undefined || t.groupId !== undefined, "give name, color or groupId");
export const tagGroupUpdateSchema = z
  .object({ name: name.optional(), singleChoice: z.boolean().optional() })
  .refine((t) => t.name !== undefined || t.singleChoice !== undefined, "give name or singleChoice");
export const attributeUpdateSchema = attributeRequestSchema.omit({ key: true });
/** How many contacts and open-or-resolved conversations carry each tag, over every number. */
export const tagUsageSchema = z.object({ usage: z.record(z.string(), z.object({ contacts: z.number(), conversations: z.number() })) });
export type TagUsage = z.infer<typeof tagUsageSchema>["usage"];

/** Columns of the canned responses CSV, in order: what import reads and export writes. */
export const cannedCsvColumns = ["shortcode", "title", "body", "language", "teams"] as const;
export const cannedImportResultSchema = z.object({
  imported: z.number(),
  updated: z.number(),
  /** Rows refused, numbered as a spreadsheet shows them (the header is row 1). */
  errors: z.array(z.object({ row: z.number(), message: z.string() })),
});
export type CannedImportResult = z.infer<typeof cannedImportResultSchema>;

/** A contact's tags and attribute values, with who set each and when. */
export const contactTagSchema = z.object({ tagId: z.string(), addedBy: z.string().nullable(), addedAt: z.number() });
export const contactAttributeSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  updatedBy: z.string().nullable(),
  /** Who saved it, named as they were then (an admin need not be on the number's roster); null before names were kept. */
  updatedByName: z.string().nullable().optional(),
  updatedAt: z.number(),
});

export const contactProfileSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  waId: z.string().nullable(),
  profileName: z.string().nullable(),
  /** As on the conversation's contact: the detected language, null when not known; optional until the server stores it. */
  language: z.string().nullable().optional(),
  firstSeenAt: z.number(),
  tags: z.array(contactTagSchema),
  attributes: z.array(contactAttributeSchema),
  conversations: z.array(z.object({ id: z.string(), status: z.string(), createdAt: z.number(), lastMessagePreview: z.string(), assigneeId: z.string().nullable() })),
});
export type ContactProfile = z.infer<typeof contactProfileSchema>;

export const tagChangeSchema = z
  .object({ add: z.string().min(1).optional(), remove: z.string().min(1).optional() })
  .refine((c) => Boolean(c.add) !== Boolean(c.remove), "give exactly one of add or remove");
export const attributeValueSchema = z.object({ value: z.unknown() });
/** Body of `PUT /api/numbers/{phoneNumberId}/contacts/{contactId}/language`: what an agent's browser detected. */
export const contactLanguageSchema = z.object({
  language: z
    .string()
    .max(15)
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "language must be a BCP 47 tag such as es, zh or zh-Hant"),
});
export type ContactLanguageRequest = z.infer<typeof contactLanguageSchema>;
