import { z } from "zod";
import { clientId, conversationSchema, headerTextOrMedia, headerTextOrMediaMessage, messageSchema, templateArgumentsShape } from "./inbox";
import { checkPhone, PHONE_PROBLEMS } from "./phone";

/**
 * Starting a conversation with a customer: WhatsApp lets a business write first only with an approved template, so the
 * request is a customer (a phone number, checked by `phone.ts`, or a contact already on the number), the template
 * with its variables, and who takes the conversation. `clientId` makes a retried request start it once.
 */
export const newConversationRequestSchema = z.object({
  to: z
    .object({
      phone: z
        .string()
        .max(40, "to.phone is longer than any phone number")
        .optional()
        .superRefine((phone, ctx) => {
          if (phone === undefined) return;
          const checked = checkPhone(phone);
          if (!checked.ok) ctx.addIssue({ code: "custom", message: PHONE_PROBLEMS[checked.problem], params: { problem: checked.problem } });
        }),
      contactId: z.string().regex(/^\d{1,15}$/, "contactId must be a customer's numeric id").optional(),
    })
    .refine((to) => (to.phone === undefined) !== (to.contactId === undefined), "give exactly one of phone or contactId"),
  template: z.object(templateArgumentsShape).refine(headerTextOrMedia, headerTextOrMediaMessage),
  /** "me" (the default): the starter keeps it. A team: routed inside it, or waiting in its queue. */
  assignTo: z.union([z.literal("me"), z.object({ teamId: z.string().min(1).max(40) })]).default("me"),
  clientId,
});
export type NewConversationRequest = z.infer<typeof newConversationRequestSchema>;

export const newConversationResultSchema = z.object({
  conversation: conversationSchema,
  message: messageSchema,
  /** True when the customer already had an open conversation, and the template went into it. */
  reused: z.boolean(),
});
export type NewConversationResult = z.infer<typeof newConversationResultSchema>;
