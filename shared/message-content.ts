import { z } from "zod";

/**
 * What an agent needs to see of a message, extracted from Meta's payload (the raw payload is kept too).
 * Every part is optional: a message has the parts its kind carries.
 */
/**
 * Why something happened to a conversation, as a code and its parameters (`…Id` parameters name people; `at` and
 * `…Ms` are times and durations), so each reader sees it in their own language. See worker/number-inbox/reasons.ts.
 */
export const reasonCodeSchema = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type ReasonCode = z.infer<typeof reasonCodeSchema>;

export const messageContentSchema = z.object({
  media: z
    .object({
      id: z.string().nullable(),
      link: z.string().nullable(),
      mimeType: z.string().nullable(),
      filename: z.string().nullable(),
      voice: z.boolean(),
      animated: z.boolean(),
    })
    .optional(),
  caption: z.string().optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().nullable(),
      address: z.string().nullable(),
      url: z.string().nullable(),
    })
    .optional(),
  sharedContacts: z.array(z.object({ name: z.string(), phones: z.array(z.string()) })).optional(),
  /** A tapped button or list row, an interactive reply of another type, or a template quick reply. */
  choice: z.object({ id: z.string().nullable(), title: z.string(), description: z.string().nullable() }).optional(),
  /** A WhatsApp Flow's answers (nfm_reply), as field → value. */
  flowResponse: z.record(z.string(), z.string()).optional(),
  reaction: z.object({ targetWamid: z.string(), emoji: z.string().nullable() }).optional(),
  order: z
    .object({
      catalogId: z.string().nullable(),
      note: z.string().nullable(),
      items: z.array(z.object({ productId: z.string(), quantity: z.number(), price: z.number(), currency: z.string() })),
    })
    .optional(),
  system: z.object({ type: z.string(), body: z.string() }).optional(),
  /** The message this one edits or deletes (edit / revoke). */
  targetWamid: z.string().optional(),
  /** Quoted message (a reply), and product enquiries from a catalogue. */
  replyToWamid: z.string().optional(),
  product: z.object({ catalogId: z.string().nullable(), productId: z.string() }).optional(),
  forwarded: z.enum(["once", "many"]).optional(),
  /** Click-to-WhatsApp ad the customer came from. */
  referral: z.object({ headline: z.string().nullable(), body: z.string().nullable(), sourceUrl: z.string().nullable() }).optional(),
  /** A type this inbox does not understand (yet); the raw payload is stored. */
  unsupportedType: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string() })).optional(),
  template: z.object({ name: z.string(), language: z.string() }).optional(),
  edited: z.boolean().optional(),
  /** For activity rows. */
  activity: z
    .object({
      kind: z.enum(["assigned", "transferred", "resolved", "reopened", "queued", "unassigned", "snoozed", "automation_skipped", "rated"]),
      agentId: z.string().nullable(),
      actorId: z.string().nullable(),
      /** The reason as an English sentence, for API users; rows stored before codes have only this. */
      reason: z.string().nullable(),
      /** The reason as a code with parameters, which the panel renders in its reader's language. */
      reasonCode: reasonCodeSchema.optional(),
      note: z.string().nullable(),
      /**
       * The name of the person who acted, by id, as it was when the line was written: an admin or supervisor acting from
       * the console is not among the number's people, whom the panel knows by name.
       */
      names: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  deleted: z.boolean().optional(),
  /** Sent by automation, not by a person: which automatic message it is. */
  automation: z.enum(["welcome", "away", "queue_update", "closing", "csat", "csat_thanks"]).optional(),
  /** An interactive list the business sent (the satisfaction survey): its rows as the customer sees them. */
  list: z.object({ button: z.string(), rows: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().nullable() })) }).optional(),
});
export type MessageContent = z.infer<typeof messageContentSchema>;
