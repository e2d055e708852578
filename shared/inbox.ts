import { z } from "zod";
import { agentStatusSchema } from "./people";

export const conversationStatusSchema = z.enum(["open", "resolved"]);

export const contactSchema = z.object({
  id: z.string(),
  waId: z.string().nullable(),
  name: z.string().nullable(),
});
export type Contact = z.infer<typeof contactSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  phoneNumberId: z.string(),
  contact: contactSchema,
  status: conversationStatusSchema,
  assigneeId: z.string().nullable(),
  assignmentReason: z.string().nullable(),
  createdAt: z.number(),
  lastMessageAt: z.number(),
  lastMessagePreview: z.string(),
  unread: z.number(),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** Delivery progress of an outbound message; it only ever moves forward (see worker/number-inbox/delivery.ts). */
export const deliveryStatusSchema = z.enum(["pending", "accepted", "sent", "delivered", "read", "played", "failed"]);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(["in", "out"]),
  kind: z.string(),
  text: z.string().nullable(),
  status: deliveryStatusSchema.nullable(),
  error: z.object({ code: z.number(), title: z.string() }).nullable(),
  authorId: z.string().nullable(),
  clientId: z.string().nullable(),
  timestamp: z.number(),
});
export type Message = z.infer<typeof messageSchema>;

export const sendTextRequestSchema = z.object({
  text: z.string().trim().min(1, "text must not be empty").max(4096, "text is longer than WhatsApp's 4096 characters"),
  /** Chosen by the client so a retried request never sends twice. */
  clientId: z.uuid("clientId must be a UUID"),
});
export type SendTextRequest = z.infer<typeof sendTextRequestSchema>;

export const conversationListSchema = z.object({ conversations: z.array(conversationSchema) });
export const messageListSchema = z.object({ messages: z.array(messageSchema) });

/** Everything the server pushes over an agent's socket. */
export const socketEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), agentId: z.string() }),
  z.object({ type: z.literal("conversation"), conversation: conversationSchema }),
  z.object({ type: z.literal("message"), message: messageSchema }),
  z.object({ type: z.literal("agent_status"), agentId: z.string(), status: agentStatusSchema, connected: z.boolean() }),
]);
export type SocketEvent = z.infer<typeof socketEventSchema>;
